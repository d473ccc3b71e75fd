"""Limits on what the data may hold, and code that stays fast and whole at those limits:
characters no text may hold, ids that name files, social cards of any text, a card cache
shared by concurrent builds, 'did you mean' over thousands of ids, Markdown that would
take Python-Markdown minutes, and GitHub annotations of hostile file names."""

from __future__ import annotations

import difflib
import errno
import io
import os
import random
import re
import string
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from pydantic import ValidationError

from explainer import cards, publish
from explainer.diagnostics import Diagnostic, did_you_mean, short
from explainer.markup import render_markdown
from explainer.models import MAX_BRACKETS, MAX_MARKDOWN, Actor, Event, Update, markdown_problem
from explainer.yaml_source import load_yaml_bytes

from ..conftest import copy_project, replace_in, run_cli
from .support import check_in_process, time_limit

# -- characters no text may hold ------------------------------------------------------

REFUSED = [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]


def _load(text: str) -> tuple[object, list[str]]:
    loaded = load_yaml_bytes(text.encode(), "data/x.yaml")
    return loaded.value, [d.as_text() for d in loaded.diagnostics]


def test_every_control_character_written_as_an_escape_is_refused() -> None:
    wrong = []
    for code in REFUSED:
        value, found = _load(f'- id: x\n  name: "a\\u{code:04X}b"\n')
        expected = [f"data/x.yaml:2:9: error: control character U+{code:04X} in text; remove it"]
        if found != expected or value != [{"id": "x", "name": "ab"}]:
            wrong.append(f"U+{code:04X}: {found} {value!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("code", [0xFFFE, 0xFFFF])
def test_noncharacters_are_refused(code: int) -> None:
    _, found = _load(f'name: "\\u{code:04X}"\n')
    assert found == [f"data/x.yaml:1:7: error: invalid character U+{code:04X} in text; "
                     "remove it"]


def test_tab_and_line_feed_stay_in_text() -> None:
    value, found = _load('name: "a\\tb\\nc"\n')
    assert (value, found) == ({"name": "a\tb\nc"}, [])


@pytest.mark.parametrize(("escape", "code"), [("\\x1b", "001B"), ("\\t", "0009"),
                                              ("\\n", "000A")])
def test_a_key_holds_no_control_character(escape: str, code: str) -> None:
    value, found = _load(f'- id: x\n  "na{escape}me": z\n')
    assert found == [f"data/x.yaml:2:3: error: control character U+{code} in a key; remove it"]
    assert value == [{"id": "x", "name": "z"}]


def test_messages_show_control_characters_as_escapes() -> None:
    assert short("a\x1b[31mb\x85c\u2028d\n") == "a\\u001b[31mb\\u0085c\\u2028d\\n"
    assert short("x" * 1_000_000) == "x" * 59 + "…"


# -- whole-value patterns: a final line feed is not a match -----------------------------


@pytest.mark.parametrize("value", ["trump\n", "trump\r\n", "\ntrump", "tr\nump"])
def test_an_id_with_a_line_break_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="must be lowercase letters"):
        Actor.model_validate({"id": value, "name": "A", "kind": "person"})


def test_a_date_with_a_final_line_feed_is_refused() -> None:
    with pytest.raises(ValidationError, match="expected a date written YYYY-MM-DD"):
        Update.model_validate({"id": "u", "date": "2025-08-15\n", "kind": "addition",
                               "summary": "x"})
    with pytest.raises(ValidationError, match="is not a date and time written as ISO 8601"):
        Event.model_validate({"id": "e", "start": "2025-08-15T11:00-08:00\n", "title": "t",
                              "summary": "s", "place": "p"})


def test_digits_of_other_scripts_are_not_a_date() -> None:
    with pytest.raises(ValidationError, match="expected a date written YYYY-MM-DD"):
        Update.model_validate({"id": "u", "date": "٢٠٢٥-٠٨-١٥", "kind": "addition",
                               "summary": "x"})


@pytest.mark.parametrize("quoted", ["12\\n", "no\\n", "null\\n", "1.5\\n", "012\\n"])
def test_a_quoted_value_with_a_line_feed_stays_text(quoted: str) -> None:
    value, found = _load(f'name: "{quoted}"\n')
    assert (value, found) == ({"name": quoted.replace("\\n", "\n")}, [])


# -- ids name files; cards of any page ------------------------------------------------


def _facts(url: str, title: str = "A page") -> publish.PageFacts:
    return publish.PageFacts(url, title, date(2025, 8, 15), [], None)


def test_no_card_gets_a_file_name_too_long_to_write(tmp_path: Path) -> None:
    long_url = "a" * 120 + "/" + "b" * 140 + "/"
    drawn = publish.cards({"actors/putin/": _facts("actors/putin/"),
                           long_url: _facts(long_url)}, "Site", tmp_path)
    assert list(drawn) == ["assets/cards/actors--putin.png"]


def test_a_page_whose_card_name_would_be_too_long_still_builds(tmp_path: Path) -> None:
    root = _project(tmp_path)
    folder = root / "content" / ("a" * 120)
    folder.mkdir()
    (folder / ("b" * 140 + ".md")).write_text("# A page with a long name\n\nText.\n")
    site = tmp_path / "site"
    run = run_cli(root, "build", "--site-dir", str(site), timeout=300)
    assert run.returncode == 0, run.stderr
    assert (site / ("a" * 120) / ("b" * 140) / "index.html").is_file()


def _project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


# name -> (title, whether it is too long for the card)
TITLES = {
    "one-word-of-1M": ("x" * 1_000_001, True),
    "words-1M": ("word " * 200_000, True),
    "wide-letters": ("W" * 5_000, True),
    "narrow-letters": ("i" * 399, True),
    "1M-spaces-then-a-word": (" " * 1_000_000 + "a", False),
    "normal": ("Trump and Putin arrive on the tarmac", False),
    "empty": ("", False),
}


@pytest.mark.parametrize("name", list(TITLES))
def test_a_card_draws_any_title(name: str) -> None:
    with time_limit(10, "drawing a card"):
        png = cards.draw_card(TITLES[name][0], "s" * 100_000, "k" * 100_000)
    image = Image.open(io.BytesIO(png))
    assert image.size == (cards.WIDTH, cards.HEIGHT)


@pytest.mark.parametrize("name", list(TITLES))
def test_a_title_fits_four_lines_and_a_cut_one_ends_with_an_ellipsis(name: str) -> None:
    title, too_long = TITLES[name]
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    font = ImageFont.load_default(size=68)
    lines = cards._wrap(draw, title, font, 1040, 4)
    assert all(draw.textlength(line, font=font) <= 1040 for line in lines), lines
    if too_long:
        assert len(lines) == 4 and lines[-1].endswith("…"), lines
    else:
        assert " ".join(lines) == " ".join(title.split())


def test_a_title_that_fits_is_drawn_whole() -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    font = ImageFont.load_default(size=68)
    title = "The two leaders emerged from their planes almost simultaneously onto a red carpet"
    lines = cards._wrap(draw, title, font, 1040, 4)
    assert " ".join(lines) == title


# -- the card cache, shared by builds running at once -----------------------------------


def test_two_writers_of_one_card_do_not_collide(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The first writer is about to rename its file into place when a second build
    draws and caches the same card: each must rename a file of its own."""
    real_replace = os.replace
    second: list[bytes] = []

    def replace_after_another_writer(source, target):
        if not second:
            second.append(b"")  # the second writer's own rename goes straight through
            second[0] = cards.card_bytes("Title", "Site", "", tmp_path)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace_after_another_writer)
    first = cards.card_bytes("Title", "Site", "", tmp_path)
    assert first == second[0]
    assert [p.name for p in tmp_path.iterdir()] == [f"{_key('Title')}.png"]


def _key(title: str) -> str:
    return cards.cache_key(title, "Site", "")


def test_threads_sharing_a_cold_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cards"
    errors: list[str] = []
    start = threading.Barrier(4)

    def build() -> None:
        start.wait()
        for index in range(8):
            try:
                cards.card_bytes(f"Title {index}", "Site", "", cache)
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(repr(exc))

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(p.suffix for p in cache.iterdir()) == [".png"] * 8


def test_a_cache_that_cannot_be_written_is_skipped(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")  # works as root too, unlike a read-only folder
    png = cards.card_bytes("Title", "Site", "", blocker / "cards")
    assert png.startswith(b"\x89PNG")


def test_a_full_disk_leaves_no_temporary_file(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(source, target):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    png = cards.card_bytes("Title", "Site", "", tmp_path)
    assert png.startswith(b"\x89PNG")
    assert list(tmp_path.iterdir()) == []


def test_a_truncated_cached_card_is_drawn_again(tmp_path: Path) -> None:
    whole = cards.card_bytes("Title", "Site", "", tmp_path)
    (tmp_path / f"{_key('Title')}.png").write_bytes(whole[:100])
    assert cards.card_bytes("Title", "Site", "", tmp_path) == whole


# -- 'did you mean' over thousands of choices ------------------------------------------


def _ids(count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    letters = string.ascii_lowercase
    found: dict[str, None] = {}
    while len(found) < count:
        parts = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))
                 for _ in range(rng.randint(1, 3))]
        found["-".join(parts)] = None
    return list(found)


def _typo(word: str, rng: random.Random) -> str:
    """One edit: a letter wrong, missing or extra, or two neighbours swapped."""
    i = rng.randrange(len(word))
    letter = rng.choice(string.ascii_lowercase)
    kind = rng.choice(["substitute", "delete", "insert", "swap"])
    if kind == "substitute":
        return word[:i] + letter + word[i + 1:]
    if kind == "delete" and len(word) > 1:
        return word[:i] + word[i + 1:]
    if kind == "swap" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + letter + word[i:]


def test_4000_unknown_ids_against_4000_choices_are_fast() -> None:
    choices = dict.fromkeys(_ids(4_000))
    rng = random.Random(2)
    words = [_typo(word, rng) for word in choices]
    started = time.perf_counter()
    with time_limit(10, "4,000 suggestions"):
        hints = [did_you_mean(word, choices) for word in words if word not in choices]
    assert time.perf_counter() - started < 10
    assert sum(bool(hint) for hint in hints) > 0.95 * len(hints)


def test_many_unknown_ids_against_a_few_hundred_choices_are_fast() -> None:
    choices = dict.fromkeys(_ids(300))
    words = _ids(50_000, seed=3)
    with time_limit(10, "50,000 suggestions among 300 ids"):
        for word in words:
            did_you_mean(word, choices)


_LARGE = dict.fromkeys([*_ids(4_000), "putin", "trump", "zelenskyy", "witkoff",
                        "alaska-summit-article", "lavrov", "ceasefire"])


@pytest.mark.parametrize(("typo", "meant"), [
    ("putni", "putin"), ("ptuin", "putin"), ("putn", "putin"), ("puttin", "putin"),
    ("zelenskyt", "zelenskyy"), ("zelensky", "zelenskyy"), ("zelenskyyy", "zelenskyy"),
    ("zelenskiy", "zelenskyy"), ("trum", "trump"), ("rtump", "trump"), ("Putin", "putin"),
    ("alaska-summit", "alaska-summit-article"), ("alaska_summit_article",
                                                 "alaska-summit-article"),
    ("cease-fire", "ceasefire"), ("witkof", "witkoff"), ("lavrov-sergey", "lavrov"),
])
def test_common_typos_find_their_id_among_thousands(typo: str, meant: str) -> None:
    assert did_you_mean(typo, _LARGE) == f" (did you mean '{meant}'?)"


def test_one_edit_typos_get_a_suggestion_as_close_as_the_meant_id() -> None:
    """250 random one-edit typos among 4,000 ids. Each gets a suggestion: the id meant,
    or another one edit away, or one difflib rates at least as high; and nearly all get
    the very suggestion difflib gives after comparing the typo with every id."""
    choices = list(_LARGE)
    rng = random.Random(4)
    worse, same = [], 0
    typos = {typo: word for word in rng.sample(choices, 250)
             if (typo := _typo(word, rng)) not in _LARGE}
    for typo, meant in typos.items():
        got = re.fullmatch(r" \(did you mean '(.*)'\?\)", did_you_mean(typo, _LARGE))
        suggested = got[1] if got else ""
        if not (suggested == meant or _one_edit(typo, suggested)
                or _ratio(typo, suggested) >= _ratio(typo, meant)):
            worse.append(f"{typo!r} for {meant!r}: {suggested!r}")
        same += [suggested] == difflib.get_close_matches(typo, choices, n=1, cutoff=0.6)
    assert not worse, "\n".join(worse)
    assert same >= 0.95 * len(typos)


def _ratio(word: str, choice: str) -> float:
    return difflib.SequenceMatcher(None, choice, word).ratio()


def _one_edit(first: str, second: str) -> bool:
    """Whether the two differ by one letter wrong, missing or extra, or a swap."""
    if abs(len(first) - len(second)) > 1 or first == second:
        return False
    start = next((i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b),
                 min(len(first), len(second)))
    a, b = first[start:], second[start:]
    return a[1:] == b[1:] or a[1:] == b or a == b[1:] or (a[:2] == b[1::-1]
                                                              and a[2:] == b[2:])


def test_check_with_4000_unknown_references_is_fast(tmp_path: Path) -> None:
    """The real check: 4,000 actors, one event naming 4,000 misspelt ones."""
    root = _project(tmp_path)
    actors = _ids(4_000, seed=5)
    with (root / "data" / "actors.yaml").open("a", encoding="utf-8") as file:
        file.write("\n" + "".join(f'- id: "{a}"\n  name: "{a}"\n  kind: person\n'
                                   for a in actors))  # quoted: 'no' and 'on' are ids here
    rng = random.Random(6)
    typos = list(dict.fromkeys(t for t in (_typo(a, rng) for a in actors)
                               if t not in actors and t != "trump"))
    replace_in(root / "data" / "events.yaml", "actors: [trump, putin]",
               "actors: [" + ", ".join(f'"{t}"' for t in typos) + "]")
    with time_limit(60, "check"):
        run = check_in_process(root)
    assert run.status == 1, run.stderr[-2000:]
    assert run.seconds < 10, f"{run.seconds:.1f} s"
    errors = [line for line in run.diagnostics if ": error: " in line]
    assert len(errors) == len(typos)
    assert all(re.fullmatch(r"data/events\.yaml:\d+:\d+: error: unknown actor '[a-z-]+'"
                            r"( \(did you mean '[a-z-]+'\?\))?", line) for line in errors)


# -- Markdown that Python-Markdown would take minutes over ------------------------------


@pytest.mark.parametrize("text", ["[" * 20_000, "[" * 40_000, "![" * 20_000],
                         ids=["20000-brackets", "40000-brackets", "20000-images"])
def test_markdown_of_many_brackets_renders_fast(text: str) -> None:
    with time_limit(10, "rendering"):
        html = render_markdown(text)
    assert html == text


@pytest.mark.parametrize("text", ["+ " * 1_000 + "x", "1. " * 1_000 + "x", "- 1) " * 600],
                         ids=["plus", "numbered", "mixed"])
def test_deeply_nested_lists_render_as_text(text: str) -> None:
    assert render_markdown(text) == text


def _worst_within_the_limits() -> dict[str, str]:
    n, rest = MAX_BRACKETS, MAX_MARKDOWN - MAX_BRACKETS
    return {
        "brackets then ampersands": "[" * n + "&" * rest,
        "brackets then angles": "[" * n + "<" * rest,
        "brackets then text": "[" * n + "x" * rest,
        "links with open parens": "[x](" * 7 + "(" * (MAX_MARKDOWN - 28),
        "ampersands": "&" * MAX_MARKDOWN,
        "angles": "<" * MAX_MARKDOWN,
        "emphasis": "*a* " * (MAX_MARKDOWN // 4),
        "code": "`a` " * (MAX_MARKDOWN // 4),
        "lists ten deep": ("+ " * 10 + "x\n") * (MAX_MARKDOWN // 22),
        "indented lists": "".join("    " * i + "- x\n" for i in range(45)),
        "quotes": "> x\n" * (MAX_MARKDOWN // 4),
        "backslashes": "\\" * MAX_MARKDOWN,
    }


@pytest.mark.parametrize("name", list(_worst_within_the_limits()))
def test_the_worst_markdown_within_the_limits_renders_within_a_second(name: str) -> None:
    text = _worst_within_the_limits()[name]
    assert markdown_problem(text) is None
    render_markdown.cache_clear()
    started = time.perf_counter()
    with time_limit(10, "rendering"):
        render_markdown(text, inline=False)
    assert time.perf_counter() - started < 1.0


def test_markdown_within_the_limits_is_still_markdown() -> None:
    assert str(render_markdown("See [the *source*](https://example.org/a).")) == (
        'See <a href="https://example.org/a" rel="noopener noreferrer">the '
        "<em>source</em></a>.")


# -- GitHub annotations -----------------------------------------------------------------


def test_github_annotations_escape_file_names_and_messages() -> None:
    hostile = Diagnostic("content/a\n::notice file=x::pwned,b:c%.md", 3, 4, "error",
                         "bad 100% value\r\n::warning::injected")
    assert hostile.as_github() == (
        "::error file=content/a%0A%3A%3Anotice file=x%3A%3Apwned%2Cb%3Ac%25.md,line=3,col=4"
        "::bad 100%25 value%0D%0A::warning::injected")
    assert "\n" not in hostile.as_github()


def test_a_comma_in_a_file_name_stays_in_the_file_property() -> None:
    line = Diagnostic("data/a,line=99.yaml", 1, 2, "warning", "m").as_github()
    assert line == "::warning file=data/a%2Cline=99.yaml,line=1,col=2::m"
