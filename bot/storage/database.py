"""The one database object of the application: every query, grouped by concern.

Each concern is its own module (claims, votes, evidence, audit, stats) over the
connection of `bot.storage.connection`; this class puts them together so a caller holds
one `Database` and writes `db.get_claim(...)`.
"""

from __future__ import annotations

from bot.storage.audit import AuditStore
from bot.storage.claims import ClaimStore
from bot.storage.db_copy import CopyStore
from bot.storage.digests import DigestStore
from bot.storage.evidence import EvidenceStore
from bot.storage.factchecks import FactCheckStore
from bot.storage.notices import NoticeStore
from bot.storage.publishing import PublishingStore
from bot.storage.queue import QueueStore
from bot.storage.snapshots import SnapshotStore
from bot.storage.stats import StatsStore
from bot.storage.votes import VoteStore


class Database(
    ClaimStore,
    VoteStore,
    EvidenceStore,
    FactCheckStore,
    AuditStore,
    StatsStore,
    NoticeStore,
    DigestStore,
    QueueStore,
    SnapshotStore,
    PublishingStore,
    CopyStore,
):
    """Owns the SQLite connection and its thread; every query of the application is a
    method here."""
