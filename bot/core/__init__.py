"""The functional core: claims, votes, the status model, vocabulary, rendering and exports.

Pure: plain data in, plain data out. Imports nothing from the other layers, nor discord,
sqlite3, aiosqlite or httpx.
"""
