"""Short news-style articles written for these tests (not taken from anywhere)."""

HARBOUR_ARTICLE = """Harbour city approves ferry expansion

By Dana Whitfield / Coastal Ledger

Photo: Coastal Ledger archive

The city council of Port Averly voted 9 to 2 on Tuesday to buy three electric ferries.
According to the transport office, the ferries will cost 48 million dollars in total.
Mayor Ilse Moreno said ridership on the harbour line rose by 14 percent in 2025.
Will the new boats really arrive on time?
The regional auditor reported that the previous ferry contract ran 30 percent over budget.
I think this is the best decision the council has made in years.
"""

# Something with pings and markup in it: nothing the bot posts may ping or render it.
HOSTILE_ARTICLE = (
    "@everyone The council of Brindle spent 2 million euros on new streetlights in 2024, "
    "according to <@&123456789> and [the ledger](https://evil.example).\n"
)
