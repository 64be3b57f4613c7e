"""Storage: the one SQLite connection, the migrations and every SQL statement.

Returns typed records from `bot.core.records`; imports only `bot.core`.
"""
