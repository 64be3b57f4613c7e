"""`claimbot web`: the aiohttp server of the public verdict pages (rendered by bot/pages/)."""
