"""The web: the one safe fetcher for every outbound request, and articles fetched by URL.

Imports `bot.core` and `bot.documents` only.
"""
