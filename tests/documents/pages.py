"""The test pages (written for these tests) that several document tests read."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent.parent / "fixtures"
NEWS = (FIXTURES / "news_article.html").read_text(encoding="utf-8")
BLOG = (FIXTURES / "blog_post.html").read_text(encoding="utf-8")

NEWS_LINES = [
    "Pellham approves new seawall after record floods",
    "The town council of Pellham voted eleven to two on Monday evening to replace the harbour"
    " seawall, ending a debate that has run since the floods of 2022.",
    "The new wall will cost 12 million euros and will be two metres higher than the structure"
    " it replaces, according to the council's engineering report.",
    "Two winters of flooding",
    "Flood water reached the market square four times in the past two winters, and the harbour"
    " master said repairs to the old wall now cost more each year than the town spends on its"
    " schools.",
    "Residents on Quay Street told the council that insurers had stopped offering flood cover"
    " to homes closest to the water.",
    "What happens next",
    "Construction is expected to start in September and last about eighteen months, the deputy"
    " mayor said after the vote.",
]
SENTINELS = [
    "NAV_SENTINEL",
    "FOOTER_SENTINEL",
    "SCRIPT_SENTINEL",
    "CAPTION_SENTINEL",
    "COOKIE_SENTINEL",
    "RELATED_SENTINEL",
    "Photo:",
    "Accept all",
    "Privacy policy",
    "trackingQueue",
]
