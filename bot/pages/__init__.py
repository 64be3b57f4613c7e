"""The public verdict pages as text: HTML, the stylesheet, the Atom feed and the JSON-LD they
embed. Pure: `claimbot web` (bot/publish/) reads the records and serves what these return."""
