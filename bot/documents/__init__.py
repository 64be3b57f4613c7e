"""Documents: pasted text, files and fetched pages turned into plain text for extraction.

Pure (imports only `bot.core`); CPU-bound, so callers run it off the event loop.
"""
