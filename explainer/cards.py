"""Social cards: a 1200x630 PNG per page with its title and the site name, made offline.

Pillow's bundled font is used, so nothing is downloaded; the same text always gives the
same bytes, and cards are cached by their text so a rebuild only draws what changed.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
BACKGROUND = (26, 35, 126)  # Material's indigo, the site's primary colour
FOREGROUND = (255, 255, 255)
MUTED = (197, 202, 233)
MARGIN = 80


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" .,;:") + "…"
    return lines


def draw_card(title: str, site_name: str, kicker: str = "") -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title_font = ImageFont.load_default(size=68)
    small_font = ImageFont.load_default(size=34)
    y = MARGIN
    if kicker:
        draw.text((MARGIN, y), kicker.upper(), font=small_font, fill=MUTED)
        y += 70
    for line in _wrap(draw, title, title_font, WIDTH - 2 * MARGIN, 4):
        draw.text((MARGIN, y), line, font=title_font, fill=FOREGROUND)
        y += 84
    draw.rectangle((MARGIN, HEIGHT - MARGIN - 58, MARGIN + 120, HEIGHT - MARGIN - 52),
                   fill=MUTED)
    draw.text((MARGIN, HEIGHT - MARGIN - 34), site_name, font=small_font, fill=FOREGROUND)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def card_bytes(title: str, site_name: str, kicker: str, cache_dir: Path | None) -> bytes:
    """The card for this text, from the cache when it was drawn before."""
    key = hashlib.sha256(f"{WIDTH}x{HEIGHT}\0{title}\0{site_name}\0{kicker}".encode()).hexdigest()
    cached = cache_dir / f"{key}.png" if cache_dir else None
    if cached is not None and cached.exists():
        return cached.read_bytes()
    data = draw_card(title, site_name, kicker)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(".tmp")
        temporary.write_bytes(data)
        temporary.replace(cached)
    return data
