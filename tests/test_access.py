"""Permission decisions made in code."""

from __future__ import annotations

from bot.core.access import is_moderator, may_vote
from bot.core.records import GuildConfig

OPEN = GuildConfig(guild_id=1)
ROLES = GuildConfig(guild_id=1, reviewer_role_id=10, moderator_role_id=20)


def test_everyone_votes_without_a_reviewer_role() -> None:
    assert may_vote([], OPEN) is True
    assert may_vote([], None) is True


def test_only_reviewers_vote_when_the_role_is_set() -> None:
    assert may_vote([10, 99], ROLES) is True
    assert may_vote([20], ROLES) is False


def test_moderators() -> None:
    assert is_moderator([], manage_guild=True, config=ROLES) is True
    assert is_moderator([20], manage_guild=False, config=ROLES) is True
    assert is_moderator([10], manage_guild=False, config=ROLES) is False
    assert is_moderator([20], manage_guild=False, config=OPEN) is False
