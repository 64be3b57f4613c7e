"""The HTML of the public pages: what a claim page shows and never shows, member text kept
inert (tags, quotes, right-to-left marks, 4,000 characters), and the ClaimReview it embeds
being the export's own object."""

from __future__ import annotations

import json
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from bot.core.exports import claimreview_object, claimreview_problems, to_claimreview
from bot.pages.claimreview import export_item, review_context
from bot.pages.views import IndexView, claim_page, index_page, not_found_page, vote_bar
from tests.pages.records import NOW, RESOLVED, SITE, SOURCE, published

HOSTILE = 'Ferry </script><script>alert("x")</script> <!-- & \'quoted\' \u2028 "dq"'


class Page(HTMLParser):
    """The elements of a page, the text of its JSON-LD blocks and of each element by id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.json_ld: list[str] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if tag not in ("meta", "link", "br", "rect", "input"):
            self._open.append((tag, found.get("id") or found.get("type")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open[-1][0] != tag:
            self._open.pop()
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] == ("script", "application/ld+json"):
            self.json_ld.append(data)
        for tag, key in self._open:
            if key and tag != "script":
                self.text_by_id[key] = self.text_by_id.get(key, "") + data


def scripts(page: Page) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in page.tags if tag == "script"]


def test_a_claim_page_shows_the_claim_its_status_votes_sources_and_date() -> None:
    html = claim_page(published(), SITE, now=NOW)
    page = Page(html)
    assert page.text_by_id["claim-heading"] == published().claim.text
    assert '<html lang="en" dir="ltr">' in html
    assert '<span class="badge status-verified_false">Verified false</span>' in html
    assert "Claim #12" in html
    assert "Speaker: <bdi>Cour des comptes</bdi>" in html
    assert (
        'Appeared in: <a href="https://news.example/routes" rel="nofollow noopener noreferrer '
        'ugc"><bdi>Rapport « routes »</bdi></a>'
    ) in html
    assert "Verified false: 3 of 4 reviewers refute it; 1 source refutes it" in html
    assert 'Verdict: Verified false, <time datetime="2024-05-02T12:00:00Z">2 May 2024</time>.' in (
        html
    )
    assert (
        '<li><span class="stance">Refutes</span> · <bdi>Stats Office</bdi><br><a '
        'href="https://stats.example/budget" rel="nofollow noopener noreferrer ugc">'
        '<bdi>Budget 2025</bdi></a><p class="archive">Not archived.</p></li>'
    ) in html
    assert [tag for tag, _ in page.tags].count("main") == 1
    assert {"header", "main", "footer", "nav"} <= {tag for tag, _ in page.tags}


def test_nothing_about_reviewers_or_discord_is_shown() -> None:
    html = claim_page(published(), SITE, now=NOW)
    claim = published().claim
    for secret in (
        str(claim.id),
        str(claim.guild_id),
        str(claim.channel_id),
        str(claim.message_id),
        str(claim.submitter_id),
        str(SOURCE.added_by),
        "discord.com",
    ):
        assert secret not in html


def test_a_moderators_resolution_dates_the_verdict() -> None:
    final = replace(published(status="misleading", is_final=True), resolved_at=1714737600.0)
    html = claim_page(final, SITE, now=NOW)
    assert '<time datetime="2024-05-03T12:00:00Z">3 May 2024</time>' in html


@pytest.mark.parametrize("field", ["text", "speaker", "origin_title", "explanation"])
def test_member_text_cannot_make_markup(field: str) -> None:
    html = claim_page(published(**{field: HOSTILE}), SITE, now=NOW)
    page = Page(html)
    assert scripts(page) == [{"type": "application/ld+json"}]
    assert "<script>alert" not in html
    assert "<!-- &" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)" in html
    assert "&#x27;quoted&#x27;" in html
    [block] = page.json_ld
    assert "<" not in block and ">" not in block and "&" not in block
    assert "\u2028" not in block
    doc = json.loads(block)
    said = {
        "text": doc["claimReviewed"],
        "speaker": doc["itemReviewed"]["author"]["name"],
        "origin_title": doc["itemReviewed"]["appearance"][0]["headline"],
        "explanation": doc["reviewBody"],
    }
    assert said[field] == HOSTILE  # the same words, once JSON is read


def test_a_url_that_is_not_http_is_never_a_link() -> None:
    html = claim_page(published(origin_url="javascript:alert(1)"), SITE, now=NOW)
    assert 'href="javascript' not in html
    assert "<bdi>Rapport « routes »</bdi>" in html


def test_right_to_left_text_is_isolated() -> None:
    rtl = "\u202eThe minister said \u200f«\u05e9\u05dc\u05d5\u05dd» 40%"
    html = claim_page(published(text=rtl, speaker=rtl), SITE, now=NOW)
    assert f'<h1 id="claim-heading" class="claim-text" dir="auto">{rtl}</h1>' in html
    assert f"Speaker: <bdi>{rtl}</bdi>" in html
    listing = index_page(SITE, [published(text=rtl)], total=1, view=IndexView())
    assert f'dir="auto"><a href="/verif/claims/12">{rtl}</a>' in listing


def test_a_4000_character_claim_is_shown_whole_and_listed_short() -> None:
    long_text = ("The port handled 3,000 cars " * 200)[:4000]
    html = claim_page(published(text=long_text), SITE, now=NOW)
    assert Page(html).text_by_id["claim-heading"] == long_text
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert len(title) < 140
    listing = index_page(SITE, [published(text=long_text)], total=1, view=IndexView())
    assert long_text not in listing
    assert long_text[:200] in listing


def test_the_json_ld_is_the_exports_claimreview_for_the_page() -> None:
    item = published()
    [block] = Page(claim_page(item, SITE, now=NOW)).json_ld
    doc = json.loads(block)
    page_url = "https://checks.example.org/verif/claims/12"
    context = review_context(SITE, NOW)
    assert doc == claimreview_object(export_item(item), context, url=page_url)
    assert claimreview_problems(doc) == []
    assert doc["url"] == page_url
    assert doc["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    }
    assert doc["author"] == {
        "@type": "Organization",
        "name": "Les Vérificateurs",
        "url": "https://checks.example.org/verif/",
    }
    assert doc["datePublished"] == "2024-05-02T12:00:00Z"
    assert doc["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "Cour des comptes"},
        "datePublished": "2024-05-01T12:00:00Z",
        "appearance": [
            {
                "@type": "CreativeWork",
                "url": "https://news.example/routes",
                "headline": "Rapport « routes »",
            }
        ],
    }
    # `claimbot export --format claimreview` says the same, but for its link to Discord.
    [exported] = json.loads(to_claimreview([export_item(item)], context))
    assert {**exported, "url": page_url} == doc


def test_the_vote_bar_reads_at_a_glance_and_as_text() -> None:
    bar = vote_bar({"supported": 1, "refuted": 3})
    assert '<rect class="vote-supported" x="0.000" y="0" width="25.000" height="8"/>' in bar
    assert '<rect class="vote-refuted" x="25.000" y="0" width="75.000" height="8"/>' in bar
    assert 'aria-label="Votes: 1 supported, 3 refuted"' in bar
    assert '<ul class="legend" aria-label="Votes of 4 reviewers">' in bar
    assert "style=" not in bar
    assert vote_bar({}) == '<p class="meta">No votes were cast: a moderator decided.</p>'


def test_the_index_lists_pages_and_keeps_the_search() -> None:
    view = IndexView(page=2, status="verified_false", query='ferry "cars"')
    html = index_page(SITE, [published()], total=45, view=view)
    assert "45 claims match “<bdi>ferry &quot;cars&quot;</bdi>”." in html
    assert 'value="ferry &quot;cars&quot;"' in html
    assert '<option value="verified_false" selected>Verified false</option>' in html
    assert (
        '<a rel="prev" href="/verif/?q=ferry+%22cars%22&amp;status=verified_false">← Newer</a>'
    ) in html
    assert (
        '<a rel="next" href="/verif/?q=ferry+%22cars%22&amp;status=verified_false&amp;page=3">'
        "Older →</a>"
    ) in html
    empty = index_page(SITE, [], total=0, view=IndexView())
    assert '<p class="empty">No claim to show here.</p>' in empty
    assert "0 published claims." in empty


def test_no_page_has_inline_style_or_script() -> None:
    pages = [
        claim_page(published(), SITE, now=NOW),
        index_page(SITE, [published()], total=1, view=IndexView()),
        not_found_page(),
    ]
    for html in pages:
        parsed = Page(html)
        assert all("style" not in attrs for _, attrs in parsed.tags)
        assert all(tag != "style" for tag, _ in parsed.tags)
        assert all(attrs.get("type") == "application/ld+json" for attrs in scripts(parsed))
        assert all(not key.startswith("on") for _, attrs in parsed.tags for key in attrs)


ARCHIVED = replace(
    SOURCE,
    archived_at=1714564800.0,  # 2024-05-01T12:00:00Z
    archived_sha256="ab" * 32,
    recheck_state="changed",
    recheck_since=RESOLVED,
)


def test_an_archived_source_shows_when_its_hash_what_changed_and_what_it_said() -> None:
    html = claim_page(
        replace(
            published(), evidence=[ARCHIVED], excerpts={ARCHIVED.id: "Spending  fell\nby 3 %."}
        ),
        SITE,
        now=NOW,
    )
    assert (
        '<p class="archive">Archived <time datetime="2024-05-01T12:00:00Z">1 May 2024</time>'
        f' · SHA-256 <code title="{"ab" * 32}">abababababab…</code>'
        ' · changed since <time datetime="2024-05-03T12:00:00Z">3 May 2024</time></p>'
        '<blockquote class="excerpt"><bdi>Spending fell by 3 %.</bdi></blockquote></li>'
    ) in html


def test_an_archived_excerpt_is_escaped_and_cut_at_a_word() -> None:
    said = "<script>alert(1)</script> " + "word " * 200  # longer than the page quotes
    html = claim_page(
        replace(published(), evidence=[ARCHIVED], excerpts={ARCHIVED.id: said[:601]}), SITE, now=NOW
    )
    quoted = html.split('<blockquote class="excerpt"><bdi>')[1].split("</bdi>")[0]
    assert quoted.startswith("&lt;script&gt;alert(1)&lt;/script&gt; word word")
    assert quoted.endswith("word …")
    assert "<script>alert" not in html


def test_a_gone_source_says_since_when_and_an_unchanged_one_says_nothing_more() -> None:
    gone = replace(ARCHIVED, recheck_state="gone")
    unchanged = replace(ARCHIVED, id=10, recheck_state="unchanged")
    html = claim_page(replace(published(), evidence=[gone, unchanged]), SITE, now=NOW)
    assert ' · gone since <time datetime="2024-05-03T12:00:00Z">3 May 2024</time></p>' in html
    assert html.count("abababababab…</code></p>") == 1  # the unchanged one, nothing after
