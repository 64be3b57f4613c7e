"""Small PNG charts for `/claim stats` (pure: counts in, PNG bytes out).

Pillow draws a horizontal bar per status in the status's own colour, which reads at a
glance on a phone where a column of numbers does not.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from PIL import Image, ImageDraw, ImageFont

from bot.core.vocabulary import STATUS_COLOURS, STATUS_LABELS

WIDTH = 640
ROW_HEIGHT = 34
MARGIN = 16
LABEL_WIDTH = 150
BACKGROUND = (43, 45, 49)  # Discord's dark theme, so the image sits in the embed
TEXT = (230, 230, 230)
FONT_SIZE = 15


def _rgb(colour: int) -> tuple[int, int, int]:
    return (colour >> 16) & 0xFF, (colour >> 8) & 0xFF, colour & 0xFF


def status_chart(counts: Mapping[str, int]) -> bytes | None:
    """A bar chart of claims per status, or None when there is nothing to draw."""
    rows = [(status, counts.get(status, 0)) for status in STATUS_LABELS if counts.get(status)]
    if not rows:
        return None
    widest = max(count for _, count in rows)
    height = MARGIN * 2 + ROW_HEIGHT * len(rows)
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=FONT_SIZE)
    bar_space = WIDTH - LABEL_WIDTH - MARGIN * 2 - 60
    for index, (status, count) in enumerate(rows):
        top = MARGIN + index * ROW_HEIGHT
        middle = top + ROW_HEIGHT // 2
        draw.text((MARGIN, middle), STATUS_LABELS[status], fill=TEXT, font=font, anchor="lm")
        length = max(2, round(bar_space * count / widest))
        left = MARGIN + LABEL_WIDTH
        draw.rectangle(
            (left, top + 6, left + length, top + ROW_HEIGHT - 6), fill=_rgb(STATUS_COLOURS[status])
        )
        draw.text((left + length + 8, middle), str(count), fill=TEXT, font=font, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
