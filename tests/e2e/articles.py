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

# Eight check-worthy facts (and a question and an opinion): more than a cap of 3 lets through.
LAKESHORE_ARTICLE = """Lakeshore budget passes after long night

By Marta Quill / Lakeshore Courier

The Lakeshore city council approved a budget of 212 million dollars on Thursday.
According to the finance office, spending on road repairs will rise by 18 percent in 2026.
The council voted 7 to 4 to close the Elm Street library branch in March.
Mayor Tomas Reyes said the city hired 42 new bus drivers last year.
The water utility reported that leaks wasted 3.1 billion litres of water in 2024.
Police recorded 1,240 burglaries in Lakeshore in 2025, down from 1,510 a year earlier.
The health board said the new clinic on Harbour Road served 9,800 patients in its first year.
School enrolment fell by 6 percent between 2020 and 2025, the district office said.
Is this the budget the city needs?
I believe the council could have done better.
"""
