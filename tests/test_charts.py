"""The stats chart: a real PNG whose bars have the statuses' colours and lengths."""

from __future__ import annotations

import io

from PIL import Image

from bot.core.charts import LABEL_WIDTH, MARGIN, ROW_HEIGHT, status_chart
from bot.core.vocabulary import STATUS_COLOURS


def rgb(colour: int) -> tuple[int, int, int]:
    return (colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF


def bar_length(image: Image.Image, row: int, colour: tuple[int, int, int]) -> int:
    y = MARGIN + row * ROW_HEIGHT + ROW_HEIGHT // 2
    return sum(1 for x in range(image.width) if image.getpixel((x, y)) == colour)


def test_nothing_to_draw() -> None:
    assert status_chart({}) is None
    assert status_chart({"disputed": 0}) is None


def test_one_bar_per_status_in_its_colour_and_proportion() -> None:
    png = status_chart({"likely_true": 10, "disputed": 5, "unreviewed": 0})
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert image.height == MARGIN * 2 + ROW_HEIGHT * 2
    green = bar_length(image, 0, rgb(STATUS_COLOURS["likely_true"]))
    purple = bar_length(image, 1, rgb(STATUS_COLOURS["disputed"]))
    assert green > 0 and abs(purple * 2 - green) <= 2
    assert image.getpixel((MARGIN + LABEL_WIDTH + 1, MARGIN + ROW_HEIGHT // 2)) == rgb(
        STATUS_COLOURS["likely_true"]
    )
