"""Social cards are drawn in the bundled DejaVu fonts: every character of every card the
bundled site makes has a glyph (not the .notdef box), the fonts ship in the wheel, and
the card cache does not serve cards drawn with other fonts.

A character the font lacks is drawn as glyph 0, the .notdef box. Pillow does not show a
font's character map, so a character counts as missing when it renders exactly like
U+FFFF, a noncharacter that no font maps: the box. The fonts keep that box's outline
(scripts/subset_fonts.py), so it differs from every real glyph, spaces included.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from explainer import cards
from explainer.localsite import editor_env

from .conftest import REPO, copy_project

PACKAGE = Path(cards.__file__).resolve().parent
FONT_FILES = (cards.REGULAR, cards.BOLD)
NOT_A_CHARACTER = "\uffff"
SITE_NAME = "The Alaska summit, explained"

# Builds the project at argv[1] as `explainer build` does, writing the text of every card
# it draws (title, site name, kicker) to the JSON file argv[2].
RECORD_CARDS = """
import json, sys
from pathlib import Path
from explainer import publish
from explainer.cli import main

drawn = []
draw = publish.card_bytes

def recorded(title, site_name, kicker, cache_dir):
    drawn.append({"title": title, "site_name": site_name, "kicker": kicker})
    return draw(title, site_name, kicker, cache_dir)

publish.card_bytes = recorded
status = main(["--root", sys.argv[1], "build"])
Path(sys.argv[2]).write_text(json.dumps(drawn), encoding="utf-8")
sys.exit(status)
"""


def rendering(font: ImageFont.FreeTypeFont, character: str) -> bytes:
    """The pixels of one character, drawn alone with room around it on every side."""
    size = int(font.size)
    image = Image.new("L", (3 * size, 3 * size))
    ImageDraw.Draw(image).text((size, size), character, font=font, fill=255)
    return image.tobytes()


def missing(font: ImageFont.FreeTypeFont, text: str) -> list[str]:
    """The characters of `text`, as a card draws it (white space as single spaces), that
    the font draws as the .notdef box, each once, named."""
    box = rendering(font, NOT_A_CHARACTER)
    drawn = dict.fromkeys(" ".join(text.split()))
    return [f"{c!r} U+{ord(c):04X}" for c in drawn if rendering(font, c) == box]


def test_the_fonts_are_inside_the_package_with_their_licence() -> None:
    for path in FONT_FILES:
        assert path.is_file(), f"{path} is missing: run scripts/subset_fonts.py"
        assert path.parent == PACKAGE / "assets" / "fonts"
    licence = PACKAGE / "assets" / "fonts" / "LICENSE-DejaVu.txt"
    assert "Bitstream Vera Fonts Copyright" in licence.read_text(encoding="utf-8")
    assert "Arev Fonts Copyright" in licence.read_text(encoding="utf-8")
    # The licence lets modified fonts ship only under names without Bitstream or Vera.
    assert cards.card_font(cards.REGULAR, 34).getname() == ("DejaVu Sans", "Book")
    assert cards.card_font(cards.BOLD, 68).getname() == ("DejaVu Sans", "Bold")


def test_the_wheel_package_data_matches_the_fonts_and_licence() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["explainer"]
    shipped = {path for pattern in patterns for path in PACKAGE.glob(pattern)}
    for path in (*FONT_FILES, PACKAGE / "assets" / "fonts" / "LICENSE-DejaVu.txt"):
        assert path in shipped, f"{path.relative_to(PACKAGE)} matches no package-data pattern"


def test_the_check_finds_a_character_the_font_lacks() -> None:
    font = cards.card_font(cards.BOLD, cards.TITLE_SIZE)
    box = rendering(font, NOT_A_CHARACTER)
    assert any(box), "the .notdef glyph is empty: a missing character would not show"
    assert missing(font, "Trump 中 Putin") == ["'中' U+4E2D"]


@pytest.mark.parametrize("path", FONT_FILES, ids=lambda p: p.name)
def test_the_fonts_cover_the_scripts_news_titles_use(path: Path) -> None:
    font = cards.card_font(path, cards.SMALL_SIZE)
    text = "".join(map(chr, [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x370, 0x378),
                             *range(0x37A, 0x380), *range(0x384, 0x38B), 0x38C,
                             *range(0x38E, 0x3A2), *range(0x3A3, 0x3D0), *range(0x400, 0x460),
                             *range(0x2010, 0x2028), *range(0x20A0, 0x20B6)]))
    assert missing(font, text + cards.ELLIPSIS) == []


@pytest.fixture(scope="module")
def drawn_cards(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, str]], Path]:
    """The text of every card the bundled site draws, and the built site."""
    folder = tmp_path_factory.mktemp("cards")
    root, record = copy_project(folder / "project"), folder / "cards.json"
    run = subprocess.run([sys.executable, "-c", RECORD_CARDS, str(root), str(record)],
                         capture_output=True, text=True, timeout=300, cwd=root,
                         env=editor_env(root))
    assert run.returncode == 0, run.stderr
    return json.loads(record.read_text(encoding="utf-8")), root / "site"


def test_every_character_of_every_card_has_a_glyph(drawn_cards) -> None:
    texts, site = drawn_cards
    assert len(texts) == len(list((site / "assets" / "cards").glob("*.png"))) > 30
    title_font = cards.card_font(cards.BOLD, cards.TITLE_SIZE)
    small_font = cards.card_font(cards.REGULAR, cards.SMALL_SIZE)
    problems = []
    for card in texts:
        for font, text in ((title_font, card["title"] + cards.ELLIPSIS),
                           (small_font, card["kicker"].upper() + card["site_name"])):
            lacking = missing(font, text)
            if lacking:
                problems.append(f"{card['title']!r}: {font.getname()} lacks {lacking}")
    assert not problems, "\n".join(problems)
    titles = {card["title"] for card in texts}
    assert "The Trump–Putin summit in Alaska" in titles
    assert "Stéphane Dujarric" in titles


@pytest.mark.parametrize("character", ["–", "é"])
def test_a_card_draws_the_dash_and_the_accent(character: str) -> None:
    """A missing glyph is drawn as the .notdef box, the same pixels as U+FFFF: the card
    with the character and the card with U+FFFF in its place would be the same bytes."""
    title = "The Trump–Putin summit in Alaska, with Stéphane Dujarric"
    card = cards.draw_card(title, SITE_NAME, "Who’s who")
    boxed = cards.draw_card(title.replace(character, NOT_A_CHARACTER), SITE_NAME, "Who’s who")
    assert card != boxed, f"{character!r} is drawn as the .notdef box"
    # ...while a character the font lacks does give the same bytes as the box.
    assert cards.draw_card(title.replace(character, "中"), SITE_NAME, "Who’s who") == boxed
    with Image.open(io.BytesIO(card)) as image:
        assert image.size == (cards.WIDTH, cards.HEIGHT)


def test_cards_never_use_pillows_default_font(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("Pillow's default font was loaded")

    monkeypatch.setattr(ImageFont, "load_default", refused)
    monkeypatch.setattr(ImageFont, "load_default_imagefont", refused, raising=False)
    cards.card_font.cache_clear()
    try:
        assert cards.draw_card("Stéphane Dujarric", SITE_NAME, "Who’s who")
    finally:
        cards.card_font.cache_clear()


def test_the_cache_key_holds_the_fonts(tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A card cached before the fonts changed, or by a version drawing with Pillow's font
    (its key was the text alone), is drawn again rather than served."""
    title, kicker = "The Trump–Putin summit in Alaska", ""
    stale = b"stale card" + cards._PNG_END  # what _read_cached accepts as a whole PNG
    old_text = f"{cards.WIDTH}x{cards.HEIGHT}\0{title}\0{SITE_NAME}\0{kicker}"
    old_key = hashlib.sha256(old_text.encode()).hexdigest()
    (tmp_path / f"{old_key}.png").write_bytes(stale)
    fresh = cards.card_bytes(title, SITE_NAME, kicker, tmp_path)
    assert fresh != stale
    assert fresh == cards.draw_card(title, SITE_NAME, kicker)
    [written] = set(tmp_path.glob("*.png")) - {tmp_path / f"{old_key}.png"}
    written.write_bytes(stale)  # served from the cache while the fonts stay the same
    assert cards.card_bytes(title, SITE_NAME, kicker, tmp_path) == stale
    monkeypatch.setattr(cards, "fonts_digest", lambda: "other fonts")
    assert cards.card_bytes(title, SITE_NAME, kicker, tmp_path) == fresh
    assert cards.fonts_digest() == "other fonts"
    monkeypatch.undo()
    expected = hashlib.sha256(b"".join(p.read_bytes() for p in FONT_FILES)).hexdigest()
    assert cards.fonts_digest() == expected
