"""Shared fixtures: the fake Discord plugin is available to every test."""

pytest_plugins = ["tests.fake_discord.pytest_plugin"]
