"""Services: the bot's work between Discord, storage and the core (votes in, claims out,
evidence, statuses, live message edits). Each gets what it uses, never the whole bot.
"""
