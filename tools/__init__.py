"""Offline tools that produce data the bot ships, run from the repository root as
modules: `.venv/bin/python -m tools.NAME`."""
