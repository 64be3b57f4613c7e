"""Permission decisions made in code."""

from __future__ import annotations

from bot.core.access import is_moderator, may_review
from bot.core.records import GuildConfig

OPEN = GuildConfig(guild_id=1)
ROLES = GuildConfig(guild_id=1, reviewer_role_id=10, moderator_role_id=20)


def test_everyone_reviews_without_a_reviewer_role() -> None:
    assert may_review([], manage_guild=False, config=OPEN) is True
    assert may_review([], manage_guild=False, config=None) is True


def test_reviewers_and_moderators_review_when_the_role_is_set() -> None:
    assert may_review([10, 99], manage_guild=False, config=ROLES) is True
    assert may_review([20], manage_guild=False, config=ROLES) is True  # the moderator role
    assert may_review([], manage_guild=True, config=ROLES) is True  # Manage Server
    assert may_review([99], manage_guild=False, config=ROLES) is False


def test_moderators() -> None:
    assert is_moderator([], manage_guild=True, config=ROLES) is True
    assert is_moderator([20], manage_guild=False, config=ROLES) is True
    assert is_moderator([10], manage_guild=False, config=ROLES) is False
    assert is_moderator([20], manage_guild=False, config=OPEN) is False
