"""Social cards: a 1200x630 PNG per page with its title and the site name, made offline.

The text is drawn in DejaVu Sans (the title in its bold), shipped inside the package in
assets/fonts/ (licence in LICENSE-DejaVu.txt there; scripts/subset_fonts.py makes the
files): it covers Latin with its accents, Greek, Cyrillic, dashes and typographic quotes,
which Pillow's own font does not. Nothing is downloaded; the same text always gives the
same bytes, and cards are cached by their text and the fonts' bytes, so a rebuild only
draws what changed and a new font redraws every card.
Any text can be drawn: what does not fit is cut, with an ellipsis, before Pillow sees it.
"""

from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

from .files import write_cache_file

if TYPE_CHECKING:  # Pillow is imported only when a card is drawn: most builds find them cached
    from PIL import ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
BACKGROUND = (26, 35, 126)  # Material's indigo, the site's primary colour
FOREGROUND = (255, 255, 255)
MUTED = (197, 202, 233)
MARGIN = 80
TITLE_LINES = 4
# More characters than four lines of the title font hold, even of 'i': what lies beyond
# is never drawn, and Pillow refuses strings of a million characters.
MAX_DRAWN = 400
ELLIPSIS = "…"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the last chunk of every complete PNG

FONTS_DIR = Path(__file__).resolve().parent / "assets" / "fonts"
REGULAR = FONTS_DIR / "DejaVuSans.ttf"
BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"
TITLE_SIZE, SMALL_SIZE = 68, 34


@functools.cache
def card_font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """A bundled font at a size. Pillow's basic layout (no kerning or shaping library)
    draws the same pixels wherever the cards are made."""
    from PIL import ImageFont

    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


@functools.cache
def fonts_digest() -> str:
    """A hash of the fonts the cards are drawn with: part of the cache key, so cards
    drawn with other fonts are never served from the cache."""
    digest = hashlib.sha256()
    for path in (REGULAR, BOLD):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _fits(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.BaseImageFont, width: int) -> bool:
    return draw.textlength(text, font=font) <= width


def _one_line(text: str) -> tuple[str, bool]:
    """The text with each run of white space as one space, cut to MAX_DRAWN characters,
    and whether anything was cut."""
    joined = " ".join(text.split(None, MAX_DRAWN))
    return joined[:MAX_DRAWN], len(joined) > MAX_DRAWN


def _cut(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.BaseImageFont, width: int) -> str:
    """The text if it fits, else its longest start that fits with an ellipsis."""
    if _fits(draw, text, font, width):
        return text
    low, high = 0, len(text)  # text[:low] + "…" fits; text[:high] does not
    while high - low > 1:
        middle = (low + high) // 2
        if _fits(draw, text[:middle].rstrip() + ELLIPSIS, font, width):
            low = middle
        else:
            high = middle
    return text[:low].rstrip(" .,;:") + ELLIPSIS


def _pieces(draw: ImageDraw.ImageDraw, word: str, font: ImageFont.BaseImageFont,
            width: int) -> list[str]:
    """A word, split into pieces that fit a line when it is wider than one."""
    pieces = []
    while word:
        piece = _cut(draw, word, font, width).removesuffix(ELLIPSIS) or word[0]
        pieces.append(piece)
        word = word[len(piece):]
    return pieces


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.BaseImageFont, width: int,
          max_lines: int) -> list[str]:
    """Lines of whole words (a word wider than a line is split); when the text does not
    fit in max_lines, the last line ends with an ellipsis."""
    text, cut = _one_line(text)
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if _fits(draw, candidate, font, width):
            current = candidate
            continue
        if current:
            lines.append(current)
        *full, current = _pieces(draw, word, font, width)
        lines.extend(full)
        if len(lines) > max_lines:
            break
    if current:
        lines.append(current)
    if len(lines) > max_lines or cut:
        lines = lines[:max_lines]
        lines[-1] = _cut(draw, lines[-1].rstrip(" .,;:") + ELLIPSIS, font, width)
    return lines


def draw_card(title: str, site_name: str, kicker: str = "") -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    title_font = card_font(BOLD, TITLE_SIZE)
    small_font = card_font(REGULAR, SMALL_SIZE)
    width = WIDTH - 2 * MARGIN
    y = MARGIN
    if kicker:
        draw.text((MARGIN, y), _line(draw, kicker.upper(), small_font, width),
                  font=small_font, fill=MUTED)
        y += 70
    for line in _wrap(draw, title, title_font, width, TITLE_LINES):
        draw.text((MARGIN, y), line, font=title_font, fill=FOREGROUND)
        y += 84
    draw.rectangle((MARGIN, HEIGHT - MARGIN - 58, MARGIN + 120, HEIGHT - MARGIN - 52),
                   fill=MUTED)
    draw.text((MARGIN, HEIGHT - MARGIN - 34), _line(draw, site_name, small_font, width),
              font=small_font, fill=FOREGROUND)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _line(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.BaseImageFont, width: int) -> str:
    """One line of text that fits, cut with an ellipsis when it does not."""
    line, cut = _one_line(text)
    return _cut(draw, line + ELLIPSIS if cut else line, font, width)


def cache_key(title: str, site_name: str, kicker: str) -> str:
    """The name of a card in the cache: its size, fonts and text."""
    text = f"{WIDTH}x{HEIGHT}\0{fonts_digest()}\0{title}\0{site_name}\0{kicker}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()  # any str hashes


def card_bytes(title: str, site_name: str, kicker: str, cache_dir: Path | None) -> bytes:
    """The card for this text, from the cache when it was drawn before."""
    key = cache_key(title, site_name, kicker)
    cached = cache_dir / f"{key}.png" if cache_dir else None
    if cached is not None:
        data = _read_cached(cached)
        if data is not None:
            return data
    data = draw_card(title, site_name, kicker)
    if cached is not None:
        write_cache_file(cached, data)
    return data


def _read_cached(path: Path) -> bytes | None:
    """A cached card, or None when it is missing, unreadable or not a whole PNG."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if data.endswith(_PNG_END) else None
