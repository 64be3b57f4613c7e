"""Shared fixtures: the fake Discord and the throwaway PostgreSQL cluster are available to every
test; pytester runs pytest inside a test (the PostgreSQL plugin's own tests)."""

pytest_plugins = [
    "tests.fake_discord.pytest_plugin",
    "tests.support.postgres_plugin",
    "tests.support.backends",
    "pytester",
]
