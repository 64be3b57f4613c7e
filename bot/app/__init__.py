"""The discord.py application: the Bot subclass, its command tree, the one error handler
and autocomplete. Cogs (top-level `cogs/`) are its commands.
"""
