"""The one database object of the application: every query, grouped by concern.

Each concern is its own module (claims, votes, evidence, audit, stats) over the
connection of `bot.storage.connection`; this class puts them together so a caller holds
one `Database` and writes `db.get_claim(...)`.
"""

from __future__ import annotations

from bot.storage.audit import Audit
from bot.storage.claims import Claims
from bot.storage.digests import Digests
from bot.storage.evidence import Evidence
from bot.storage.factchecks import FactChecks
from bot.storage.notices import Notices
from bot.storage.queue import ReviewQueue
from bot.storage.stats import Stats
from bot.storage.votes import Votes


class Database(Claims, Votes, Evidence, FactChecks, Audit, Stats, Notices, Digests, ReviewQueue):
    """Owns the SQLite connection and its thread; every query of the application is a
    method here."""
