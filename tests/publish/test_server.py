"""`claimbot web`'s server against a real listening socket, with aiohttp's client: only
published claims show, everything else is the one 404, HEAD, the security headers, the
rate limit per client and one server's pages never showing another's claims."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import aiohttp
import pytest

from bot.core.records import NewSnapshot
from bot.core.snapshots import SnapshotBounds
from bot.publish.server import SECURITY_HEADERS, PageServer, RateLimit, index_view
from bot.storage import Database
from tests.support.published import (
    HOME,
    HOME_SITE,
    MODERATOR,
    RIVAL,
    RIVAL_SITE,
    Shape,
    publish,
    store_claims,
)

NO_LIMIT = RateLimit(burst=1, interval=0)


@dataclass
class Served:
    db: Database
    base: str
    session: aiohttp.ClientSession
    numbers: dict[str, int]  # home's claims by their first word

    async def get(self, path: str, **kwargs: object) -> tuple[int, str, aiohttp.ClientResponse]:
        async with self.session.get(self.base + path, allow_redirects=False, **kwargs) as r:  # type: ignore[arg-type]
            return r.status, await r.text(), r


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def serve(db: Database, **options: object) -> tuple[PageServer, int]:
    server = PageServer(db, **{"rate": NO_LIMIT, **options})  # type: ignore[arg-type]
    return server, await server.start("127.0.0.1", 0)


@pytest.fixture
async def served(database_location: Path | str) -> AsyncIterator[Served]:
    db = await Database.open(database_location)
    # The rival's claims come first: no home number equals an id.
    await store_claims(db, RIVAL, [Shape("Rival ferry claim one."), Shape("Rival two.")])
    made = await store_claims(
        db,
        HOME,
        [
            Shape("Verified ferry fares rose 8 percent."),
            Shape("Likely bridge cost 2 million.", status="likely_false"),
            Shape("Resolved lifeguards were hired.", status="misleading", final=True, votes=()),
            Shape("Open ferry timetable claim.", status="needs_review", votes=("refuted",)),
            Shape("Withheld ferry subsidy claim.", status="verified_true"),
        ],
    )
    await publish(db, HOME_SITE)
    await publish(db, RIVAL_SITE)
    await db.withhold_claim(HOME, made[4].id, withheld=True, actor_id=MODERATOR)
    server, port = await serve(db)
    async with aiohttp.ClientSession() as session:
        yield Served(
            db, f"http://127.0.0.1:{port}", session, {c.text.split()[0]: c.number for c in made}
        )
    await server.close()
    await db.close()


async def test_a_published_claim_has_its_page_with_the_security_headers(served: Served) -> None:
    status, body, response = await served.get(f"/verif/claims/{served.numbers['Verified']}")
    assert status == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    assert "Verified ferry fares rose 8 percent." in body
    assert '<script type="application/ld+json">' in body
    assert (await served.get(f"/verif/claims/{served.numbers['Resolved']}"))[0] == 200


async def test_everything_not_published_is_the_same_404(served: Served) -> None:
    status, not_found, response = await served.get("/nobody/")
    assert status == 404
    assert response.headers["Cache-Control"] == "no-store"
    assert (
        response.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    )
    home = served.numbers
    for path in [
        f"/verif/claims/{home['Likely']}",  # a verdict, but neither final nor verified
        f"/verif/claims/{home['Open']}",  # no verdict yet
        f"/verif/claims/{home['Withheld']}",  # held back by a moderator
        "/verif/claims/999",  # no such claim
        "/verif/claims/1x",
        "/verif/claims/-1",
        "/verif/claims/00000000000000000000001",
        "/rival/claims/999",
        "/Verif/",
        "/verif/claims/",
        "/verif/feed.atom/x",
        "/",
        "/static/other.css",
        "/%3Cscript%3E/",
    ]:
        assert (await served.get(path))[:2] == (404, not_found), path


async def test_another_servers_claims_never_show(served: Served) -> None:
    # Home claim numbers under the rival's slug are the rival's claims or nothing.
    status, body, _ = await served.get("/rival/claims/1")
    assert status == 200 and "Rival ferry claim one." in body
    status, body, _ = await served.get("/rival/?q=ferry")
    assert status == 200
    assert "Rival ferry claim one." in body
    assert "Verified ferry fares" not in body
    status, body, _ = await served.get("/verif/?q=ferry")
    assert "Verified ferry fares rose 8 percent." in body
    assert "Rival" not in body
    assert "Withheld ferry subsidy" not in body and "Open ferry timetable" not in body
    rival_only = served.numbers["Withheld"]  # home has 5 claims, the rival 2
    assert (await served.get(f"/rival/claims/{rival_only}"))[0] == 404


async def test_the_index_lists_the_published_claims_newest_first(served: Served) -> None:
    status, body, response = await served.get("/verif/")
    assert status == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "2 published claims." in body
    assert body.index("Resolved lifeguards") < body.index("Verified ferry fares")
    for hidden in ("Likely bridge", "Open ferry", "Withheld ferry"):
        assert hidden not in body
    status, body, _ = await served.get("/verif/?status=misleading")
    assert "1 published claim." in body and "Verified ferry" not in body
    status, body, _ = await served.get("/verif/?status=nonsense&page=zz")
    assert "2 published claims." in body
    status, body, _ = await served.get("/verif/?page=2")
    assert "No claim to show here." in body
    status, _, response = await served.get("/verif")
    assert (status, response.headers["Location"]) == (301, "/verif/")


async def test_the_feed_has_the_published_verdicts(served: Served) -> None:
    status, body, response = await served.get("/verif/feed.atom")
    assert status == 200
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(body.encode("utf-8"))
    ids = [
        e.findtext("{http://www.w3.org/2005/Atom}id")
        for e in root.iter("{http://www.w3.org/2005/Atom}entry")
    ]
    assert sorted(str(i) for i in ids) == sorted(
        f"https://checks.example.org/verif/claims/{served.numbers[word]}"
        for word in ("Verified", "Resolved")
    )


async def test_head_answers_as_get_without_a_body(served: Served) -> None:
    path = f"/verif/claims/{served.numbers['Verified']}"
    async with served.session.head(served.base + path) as response:
        assert response.status == 200
        assert await response.read() == b""
        assert (
            response.headers["Content-Security-Policy"]
            == SECURITY_HEADERS["Content-Security-Policy"]
        )
    async with served.session.head(served.base + "/nobody/") as response:
        assert response.status == 404
    async with served.session.post(served.base + path) as response:
        assert response.status == 405
        assert response.headers["Allow"] == "GET, HEAD"


async def test_turning_publishing_off_hides_every_page(served: Served) -> None:
    _, not_found, _ = await served.get("/nobody/")
    await served.db.save_published_site(replace(HOME_SITE, enabled=False), actor_id=MODERATOR)
    for path in ("/verif/", f"/verif/claims/{served.numbers['Verified']}", "/verif/feed.atom"):
        assert (await served.get(path))[:2] == (404, not_found)
    await served.db.save_published_site(HOME_SITE, actor_id=MODERATOR)
    assert (await served.get("/verif/"))[0] == 200


async def test_letting_a_claim_back_publishes_it(served: Served) -> None:
    path = f"/verif/claims/{served.numbers['Withheld']}"
    assert (await served.get(path))[0] == 404
    claim = await served.db.claim_by_number(HOME, served.numbers["Withheld"])
    assert claim is not None
    await served.db.withhold_claim(HOME, claim.id, withheld=False, actor_id=MODERATOR)
    assert (await served.get(path))[0] == 200


async def test_each_client_address_has_its_rate(database_location: Path | str) -> None:
    db = await Database.open(database_location)
    clock = Clock()
    server, port = await serve(db, rate=RateLimit(burst=3, interval=10), clock=clock)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:

            async def status(headers: dict[str, str] | None = None) -> tuple[int, str | None]:
                async with session.get(base + "/static/style.css", headers=headers) as r:
                    return r.status, r.headers.get("Retry-After")

            assert [await status() for _ in range(3)] == [(200, None)] * 3
            assert await status() == (429, "10")
            # A client cannot pick another address when no proxy is trusted.
            assert await status({"X-Forwarded-For": "203.0.113.9"}) == (429, "10")
            clock.now += 10
            assert await status() == (200, None)
    finally:
        await server.close()

    proxied, port = await serve(
        db, rate=RateLimit(burst=1, interval=10), clock=clock, behind_proxy=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for forwarded, expected in [
                ("198.51.100.1", 200),
                ("198.51.100.1", 429),
                ("1.2.3.4, 198.51.100.2", 200),  # the proxy's own address is the last one
                ("198.51.100.1, 198.51.100.2", 429),
            ]:
                async with session.get(
                    base + "/static/style.css", headers={"X-Forwarded-For": forwarded}
                ) as r:
                    assert r.status == expected, forwarded
    finally:
        await proxied.close()
        await db.close()


def test_index_parameters_that_make_no_sense_are_left_out() -> None:
    assert index_view("3", "misleading", "  ferry   fares ") == index_view(
        "3", "misleading", "ferry fares"
    )
    view = index_view("99999999", "likely_true", "x" * 500)
    assert (view.page, view.status, len(view.query)) == (1, None, 200)
    assert index_view("0", None, None).page == 1
    assert index_view("١٢", None, None).page == 1  # Arabic-Indic digits are not a page


async def test_kept_pages_go_when_their_server_changes(database_location: Path | str) -> None:
    db = await Database.open(database_location)
    clock = Clock()
    home = await store_claims(db, HOME, [Shape("Kept ferry claim.")])
    rival = await store_claims(db, RIVAL, [Shape("Kept rival claim.")])
    await publish(db, HOME_SITE)
    await publish(db, RIVAL_SITE)
    # The test looks at the database itself (`refresh`), never on a timer.
    server, port = await serve(db, cache_seconds=60, clock=clock, poll_seconds=3600)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:

            async def get(path: str) -> tuple[int, str]:
                async with session.get(base + path) as r:
                    return r.status, await r.text()

            home_page, rival_page = "/verif/claims/1", "/rival/claims/1"
            assert (await get(home_page))[0] == 200
            assert (await get(rival_page))[0] == 200
            assert len(server.cache) == 2
            await db.withhold_claim(HOME, home[0].id, withheld=True, actor_id=MODERATOR)
            assert (await get(home_page))[0] == 200  # kept until the next look at the database
            await server.refresh()
            assert (await get(home_page))[0] == 404
            assert len(server.cache) == 1  # the rival's page stays
            assert "Kept rival claim." in (await get(rival_page))[1]

            # A kept page expires on its own.
            clock.now += 61
            await db.save_statuses([(rival[0].id, "verified_true", 1.0, "Now true.", False, "t")])
            assert "Now true." in (await get(rival_page))[1]
    finally:
        await server.close()
        await db.close()


async def test_a_claim_page_quotes_what_its_source_said_when_it_was_cited(served: Served) -> None:
    number = served.numbers["Verified"]
    found = await served.db.published_claim("verif", number)
    assert found is not None and found[1] is not None
    evidence_id = found[1].evidence[0].id
    bounds = SnapshotBounds(text_bytes=20_000, per_source=10, guild_bytes=10_000_000)
    first = NewSnapshot(
        final_url="https://stats.example/report",
        http_status=200,
        title="Report",
        body_sha256="c" * 64,
        body_bytes=4_000,
        body_cut=False,
        text="Fares rose 3 percent. " * 100,  # 2,200 characters: the page quotes 600
        text_trimmed=False,
    )
    assert await served.db.save_snapshot(evidence_id, first, now=1_800_000_000.0, bounds=bounds)
    later = replace(first, body_sha256="d" * 64, text="Fares rose 8 percent.")
    assert await served.db.save_snapshot(evidence_id, later, now=1_800_086_400.0, bounds=bounds)

    status, body, _ = await served.get(f"/verif/claims/{number}")
    assert status == 200
    quoted = body.split('<blockquote class="excerpt"><bdi>')[1].split("</bdi>")[0]
    assert quoted == "Fares rose 3 percent. " * 27 + "Fares …"  # the first, cut at a word
    assert f'<code title="{"c" * 64}">cccccccccccc…</code>' in body
    assert "Fares rose 8 percent." not in body
