"""Worst-case documents: time and peak memory of reading each, against the issue's targets.

    .venv/bin/python -m benchmarks.hostile_documents [--family NAME ...] [--repeat 1]

Generates families of hostile (and merely huge) documents and reads each the way the bot
does, through `load_text` inside the parse budget (`bot.parsing.parse_within_budget`):
as a 2 MB upload (the `/claim submit file:` limit, kind from the file name), as a 5 MB page
(the article fetch limit, kind from the Content-Type) and, for HTML, as a 1 MB evidence
page (`page_metadata`, the evidence fetch limit). Each document is read in a fresh
subprocess, so its peak resident memory (VmHWM, which includes the interpreter, lxml and
trafilatura) is its own; the clock starts after the imports. The outcome column shows what
the member would be told: the number of characters kept, or the error message.

Targets (issue): under 2 s and under 300 MB for every family. Exits 0 whether or not the
targets are met (a benchmark reports; it does not gate).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

FILE_BYTES = 2_000_000
PAGE_BYTES = 5_000_000
EVIDENCE_BYTES = 1_000_000
TARGET_SECONDS = 2.0
TARGET_MB = 300.0


def _fill(unit: str, size: int, head: str = "", tail: str = "") -> str:
    """`head`, then `unit` repeated to about `size` bytes, then `tail`."""
    count = max(1, (size - len(head) - len(tail)) // max(1, len(unit.encode())))
    return head + unit * count + tail


def _attributes(size: int) -> str:
    parts: list[str] = []
    total = 0
    i = 0
    while total < size - 40:
        part = f" a{i}=1"
        parts.append(part)
        total += len(part)
        i += 1
    return "<p" + "".join(parts) + ">x</p>"


def _deep_list_md(size: int) -> str:
    lines: list[str] = []
    total = 0
    depth = 0
    while total < size:
        line = " " * (2 * (depth % 2000)) + "- item\n"
        lines.append(line)
        total += len(line)
        depth += 1
    return "".join(lines)


# name -> (kind, generator of a document of about `size` bytes)
MARKDOWN: dict[str, Callable[[int], str]] = {
    "unclosed autolinks": lambda n: _fill("<http:", n),
    "table-rule spaces": lambda n: _fill(" ", n, tail="x"),
    "table-rule spaces after a rule": lambda n: _fill(" ", n, head="|---", tail="x"),
    "many table rules": lambda n: _fill("|---|:---:|---:|\n", n),
    "huge table": lambda n: _fill("| cell | 12 | more words here |\n", n, head="| a | b | c |\n"),
    "one long line": lambda n: _fill("word ", n),
    "many short lines": lambda n: _fill("a\n", n),
    "deep lists": _deep_list_md,
    "deep quotes": lambda n: _fill("> ", n, tail="x"),
    "nested brackets": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "many links": lambda n: _fill("[a link](https://x.example/a_(b) 'title') ", n),
    "unclosed links": lambda n: _fill("[a](b ", n),
    "unclosed emphasis": lambda n: _fill("**a _b ~~c ", n),
    "unclosed code spans": lambda n: _fill("`a``", n),
    "unclosed tags": lambda n: _fill("<a b", n),
    "unclosed comments": lambda n: _fill("<!--", n),
    "fences": lambda n: _fill("```\n", n),
}
HTML: dict[str, Callable[[int], str]] = {
    "many attributes": _attributes,
    "line breaks": lambda n: _fill("a<br>", n),
    "paragraphs": lambda n: _fill("<p>Paragraph text here.</p>", n),
    "nesting": lambda n: _fill("<div>", n),
    "deep lists": lambda n: _fill("<ul><li>x", n),
    "many links": lambda n: _fill('<a href="/x">link</a> ', n),
    "huge table": lambda n: _fill("<tr><td>1</td><td>two</td></tr>", n, "<table>", "</table>"),
    "one long line": lambda n: _fill("word ", n, "<p>", "</p>"),
    "boilerplate classes": lambda n: _fill('<div class="share related">x</div>', n),
    "many meta tags": lambda n: _fill('<meta property="og:title" content="x">', n),
    "unclosed tag": lambda n: _fill("<b", n, head="<b x="),
    "unclosed comments": lambda n: _fill("<!--", n),
}


def cases() -> list[tuple[str, str, str]]:
    """(family, document kind, how it is read)."""
    out: list[tuple[str, str, str]] = []
    for name in MARKDOWN:
        out += [(name, "markdown", "file"), (name, "markdown", "page")]
    for name in HTML:
        out += [(name, "html", "file"), (name, "html", "page"), (name, "html", "evidence")]
    return out


def run_one(family: str, kind: str, how: str) -> dict[str, object]:
    """In the child: build the document, read it within the budget, report."""
    import resource
    import time

    import lxml.html  # noqa: F401  (imports are not part of the time)
    import trafilatura  # noqa: F401

    from bot.documents.document import DocumentError
    from bot.documents.page_metadata import page_metadata
    from bot.documents.reader import load_text
    from bot.services.parsing import parse_within_budget

    size = {"file": FILE_BYTES, "page": PAGE_BYTES, "evidence": EVIDENCE_BYTES}[how]
    text = (MARKDOWN if kind == "markdown" else HTML)[family](size)
    raw = text.encode("utf-8")[:size]
    start = time.perf_counter()
    try:
        if how == "file":
            name = "hostile.md" if kind == "markdown" else "hostile.html"
            outcome = f"{len(parse_within_budget(load_text, raw, filename=name).text):,} chars"
        elif how == "page":
            mime = "text/markdown" if kind == "markdown" else "text/html"
            doc = parse_within_budget(
                load_text, raw, content_type=f"{mime}; charset=utf-8", url="https://x.example/"
            )
            outcome = f"{len(doc.text):,} chars"
        else:
            meta = parse_within_budget(page_metadata, raw.decode("utf-8", "replace"))
            outcome = f"title: {meta.title!r}"[:40]
    except DocumentError as exc:
        outcome = str(exc)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, "outcome": outcome, "bytes": len(raw)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--family", action="append", help="only these families (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the worst counts")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(*args.child)))
        return 0

    from rich.console import Console
    from rich.table import Table

    table = Table(title="Hostile documents (worst of each)")
    for column in ("family", "kind", "read as", "size", "seconds", "peak MB", "outcome", "ok"):
        table.add_column(column, justify="right" if column in ("size", "seconds") else "left")
    failures = 0
    for family, kind, how in cases():
        if args.family and family not in args.family:
            continue
        worst: dict[str, object] | None = None
        for _ in range(args.repeat):
            child = subprocess.run(
                [sys.executable, __file__, "--child", family, kind, how],
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=300,
                env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
            )
            if child.returncode != 0:
                print(child.stderr, file=sys.stderr)
                return 1
            result = json.loads(child.stdout)
            if worst is None or result["seconds"] > worst["seconds"]:
                worst = result
        assert worst is not None
        seconds, peak = float(worst["seconds"]), float(worst["peak_mb"])  # type: ignore[arg-type]
        ok = seconds < TARGET_SECONDS and peak < TARGET_MB
        failures += not ok
        table.add_row(
            family,
            kind,
            how,
            f"{int(worst['bytes']) / 1e6:.1f} MB",  # type: ignore[call-overload]
            f"{seconds:.2f}",
            f"{peak:.0f}",
            str(worst["outcome"]),
            "yes" if ok else "[bold red]no[/]",
        )
    console = Console(width=150)
    console.print(table)
    console.print(
        f"Targets: < {TARGET_SECONDS:.0f} s and < {TARGET_MB:.0f} MB per document; "
        f"{'all met' if not failures else f'{failures} not met'}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
