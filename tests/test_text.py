"""The words the templates put around the data: numbers that agree, attributions that do
not repeat a name, cut quotes, apostrophes, punctuation, file sizes and the search index.
Builds the bundled site once and reads every page back as a reader would see its text."""

from __future__ import annotations

import html
import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from explainer.render.templates import Templates
from explainer.store import Dataset, load_dataset
from explainer.urls import anchor

from .conftest import REPO, copy_project, run_cli

# Elements that start a new line of text for a reader; text on either side of them never
# runs together on screen.
BLOCK = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "details",
         "div", "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
         "h5", "h6", "header", "hr", "label", "li", "main", "nav", "ol", "p", "section",
         "summary", "table", "td", "th", "tr", "ul", "title", "input", "button"}
HIDDEN = {"script", "style", "template", "svg"}


def data(kind: str) -> list[dict]:
    return yaml.safe_load((REPO / "data" / f"{kind}.yaml").read_text(encoding="utf-8")) or []


class Reading(HTMLParser):
    """A page's text as a reader sees it (inline elements joined as they are, block
    elements apart), its headings, title, menu entries, quote captions and tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, dict]] = []
        self.hidden = 0
        self.title = ""
        self.headings: list[str] = []
        self.menu: list[str] = []
        self.captions: dict[str, str] = {}  # figure id -> figcaption text
        self.tables: list[list[list[str]]] = []  # tables -> rows -> cell texts
        self._capture: list[tuple[str, list[str]]] = []  # (tag, chunks) being read
        self._figure: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag in HIDDEN:
            self.hidden += 1
        if tag in BLOCK:
            self.parts.append("\n")
        if tag == "figure":
            self._figure = attributes.get("id")
        if tag == "table":
            self.tables.append([])
        if tag == "tr" and self.tables:
            self.tables[-1].append([])
        if tag in {"title", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "th", "td"} or (
                tag == "a" and any(t == "nav" for t, _ in self.stack)):
            self._capture.append((tag, []))
        if tag not in {"br", "hr", "input", "img", "meta", "link"}:
            self.stack.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden -= 1
        if tag in BLOCK:
            self.parts.append("\n")
        for index in range(len(self._capture) - 1, -1, -1):
            if self._capture[index][0] == tag:
                text = " ".join("".join(self._capture.pop(index)[1]).split())
                self._captured(tag, text)
                break
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def _captured(self, tag: str, text: str) -> None:
        if tag == "title":
            self.title = text
        elif tag.startswith("h"):
            self.headings.append(text.removesuffix("¶").strip())
        elif tag == "a":
            self.menu.append(text)
        elif tag == "figcaption" and self._figure:
            self.captions[self._figure] = text
        elif tag in {"th", "td"} and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(text)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        self.parts.append(data)
        for _, chunks in self._capture:
            chunks.append(data)

    @property
    def lines(self) -> list[str]:
        """The text, one block per line, spaces collapsed."""
        text = "".join(self.parts)
        return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def read_page(path: Path) -> Reading:
    reading = Reading()
    reading.feed(path.read_text(encoding="utf-8"))
    reading.close()
    return reading


def where(url: str, text: str, start: int, end: int) -> str:
    return f"/{url}: …{text[max(0, start - 60): end + 40]}…"


def find_all(pattern: str | re.Pattern[str], pages: dict[str, Reading],
             keep=lambda m, line: True) -> list[str]:
    """Every match of `pattern` in the text of every page, as '/url: …snippet…'."""
    found = []
    for url, page in pages.items():
        for line in page.lines:
            for match in re.finditer(pattern, line):
                if keep(match, line):
                    found.append(where(url, line, match.start(), match.end()))
    return found


def problems(found: list[str], what: str) -> str:
    return f"{len(found)} {what}:\n" + "\n".join(dict.fromkeys(found))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("text") / "project")
    run = run_cli(root, "build")
    assert run.returncode == 0, run.stderr
    return root / "site"


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, Reading]:
    found = {}
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        found[relative.removesuffix("index.html")] = read_page(path)
    return found


@pytest.fixture(scope="module")
def search_index(site: Path) -> dict:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


# -- numbers -------------------------------------------------------------------------

def test_counts_agree_in_number(pages) -> None:
    found = find_all(r"\b1 [a-z]+s\b|\(0 |\b0 [a-z]+s\b", pages)
    assert not found, problems(found, "counts with the wrong number")


# -- quote cards ---------------------------------------------------------------------

def _proper_words() -> set[str]:
    """Capitalised words the data writes capitalised in mid-sentence too: names."""
    text = " ".join((REPO / "data" / f).read_text(encoding="utf-8")
                    for f in ("actors.yaml", "events.yaml", "issues.yaml", "positions.yaml",
                              "questions.yaml", "quotes.yaml", "sources.yaml"))
    return {m.group(1) for m in re.finditer(r"[a-z,] ([A-Z][\w’-]*)", text)}


def _speaker_names(actor: dict) -> list[str]:
    names = [actor["name"], *actor.get("aliases", [])]
    if actor["kind"] == "person":
        names.append(actor["name"].split()[-1])
    return names


def test_attributions_name_the_speaker_once(pages) -> None:
    actors = {a["id"]: a for a in data("actors")}
    proper = _proper_words()
    found = []
    seen = 0
    for quote in data("quotes"):
        speaker = actors[quote["actor"]]
        first_word = quote["context"].split()[0].strip(",.;:")
        for url, page in pages.items():
            caption = page.captions.get(anchor("quotes", quote["id"]))
            if caption is None or not caption.startswith(speaker["name"]):
                continue  # on the speaker's own page the caption is the context alone
            seen += 1
            rest = caption[len(speaker["name"]):]
            after = rest.lstrip(" ,.—–:;")
            for name in _speaker_names(speaker):
                if re.match(rf"{re.escape(name)}\b", after):
                    found.append(f"/{url}: {caption[:120]!r} repeats {name!r}")
            if re.match(r", [A-Z]", rest) and first_word not in proper:
                found.append(f"/{url}: {caption[:120]!r}: a capital after the comma, and "
                             f"{first_word!r} is not a name")
            if re.match(r"(\w+), \1\b", caption.replace(speaker["name"], "X", 1)):
                found.append(f"/{url}: {caption[:120]!r}: a word repeated")
    assert seen, "no quote card with its speaker found"
    assert not found, problems(found, "attributions that repeat the speaker")


def _quote_texts() -> list[str]:
    return [" ".join(q["text"].split()) for q in data("quotes")]


def test_cut_quotes_end_in_an_ellipsis_at_a_word(pages) -> None:
    three_dots = find_all(r"\.\.\.", pages)
    assert not three_dots, problems(three_dots, "three dots for an ellipsis")
    stop = find_all(r"…”\.", pages)
    assert not stop, problems(stop, "full stops after a cut quote")
    texts = _quote_texts()
    cut = 0
    bad = []
    for url, page in pages.items():
        for line in page.lines:
            for match in re.finditer(r"“([^“”]+)…”", line):
                shown = match.group(1)
                full = [t for t in texts if t.startswith(shown) and t != shown]
                if not full:
                    continue  # not a quote from the data
                cut += 1
                after = full[0][len(shown):]
                if shown[-1].isalnum() and after[0].isalnum():
                    bad.append(where(url, line, match.start(), match.end()) + " (mid-word)")
                if shown != shown.rstrip() or shown[-1] in ",;:":
                    bad.append(where(url, line, match.start(), match.end()) +
                               " (space or punctuation before the ellipsis)")
    assert cut, "no cut quote found"
    assert not bad, problems(bad, "quotes cut badly")


# -- apostrophes ---------------------------------------------------------------------

def test_labels_use_curly_apostrophes(pages) -> None:
    nav = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"),
                    Loader=yaml.BaseLoader)["nav"]

    def labels(entries: list) -> list[str]:
        found = []
        for entry in entries:
            if isinstance(entry, dict):
                for label, target in entry.items():
                    found.append(label)
                    if isinstance(target, list):
                        found += labels(target)
        return found

    found = [f"mkdocs.yml nav: {label!r}" for label in labels(nav) if "'" in label]
    for url, page in pages.items():
        for kind, texts in (("title", [page.title]), ("heading", page.headings),
                            ("menu entry", page.menu)):
            found += [f"/{url}: {kind} {text!r}" for text in texts if "'" in text]
    assert not found, problems(found, "labels with a straight apostrophe")


def test_template_text_uses_curly_apostrophes(pages) -> None:
    # Code is left out: the Data page shows a literal "'" there on purpose.
    found = find_all(r"\w'\w", {url: page for url, page in pages.items() if url != "404.html"})
    assert not found, problems(found, "straight apostrophes in words")


def test_the_404_page_uses_curly_apostrophes(pages) -> None:
    found = find_all(r"\w'\w", {"404.html": pages["404.html"]})
    assert not found, problems(found, "straight apostrophes in words")


# -- punctuation ---------------------------------------------------------------------

DOUBLED = r",,|\.\.|[.?!] ?\.(?!\w)|[?!…],|,\s*\."


def test_no_doubled_punctuation(pages) -> None:
    found = find_all(DOUBLED, pages)
    assert not found, problems(found, "doubled punctuation")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    loaded, _ = load_dataset(REPO / "data", REPO)
    return loaded


def test_template_punctuation_after_data_that_ends_a_sentence(dataset: Dataset) -> None:
    """Data ending in a full stop or question mark gets no second one from a template."""
    templates = Templates(dataset, REPO / "overrides")
    event = next(iter(dataset.events.values()))
    ended = event.model_copy(update={"place": "White House, Washington, D.C."})
    rendered = templates.render("block_events.html", "page/", events=[ended])
    reading = Reading()
    reading.feed(rendered)
    text = "\n".join(reading.lines)
    assert "Washington, D.C." in text
    found = [m.group(0) for m in re.finditer(DOUBLED, text)]
    assert not found, f"doubled punctuation {found} in:\n{text}"


# -- names and roles -----------------------------------------------------------------

def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w-]+", text.lower())) - {"of", "the", "for", "and", "in"}


def _covers(longer: str, shorter: str) -> bool:
    """Every word of `shorter` is in `longer`, or stands for words of it ('UN')."""
    capitals = re.findall(r"\b[A-Z]\w+(?:\s+[A-Z]\w+)+", longer)
    initials = {"".join(w[0] for w in c.split()).lower() for c in capitals}
    return _words(shorter) <= _words(longer) | initials


def test_a_role_does_not_repeat_the_name(pages) -> None:
    found = []
    for actor in data("actors"):
        name, role = actor["name"], actor.get("role")
        if not role:
            continue
        if not (_covers(role, name) or _covers(name, role)):
            continue
        for url, page in pages.items():
            # Side by side: on one line, or the role within a few lines after the name.
            text = " / ".join(page.lines)
            for match in re.finditer(re.escape(name), text):
                if role in text[match.end(): match.end() + len(role) + 80]:
                    found.append(where(url, text, match.start(), match.end() + len(role) + 80))
    assert not found, problems(found, "lines that give both an actor's name and a role "
                                      "repeating it")


# -- the Data page -------------------------------------------------------------------

SIZE = re.compile(r"(?:[1-9]\.\d|[1-9]\d{1,2}(?:,\d{3})*|0\.[1-9]) (?:KB|MB)")


def test_file_sizes_on_the_data_page_read_alike(pages) -> None:
    rows = [row for table in pages["data/"].tables for row in table if len(row) == 3][1:]
    assert rows, "no files listed on /data/"
    bad = [f"/data/: {row[0]}: {row[2]!r}" for row in rows if not SIZE.fullmatch(row[2])]
    assert not bad, problems(bad, "file sizes not in the form '4.2 KB', '34 KB', '1.1 MB'")
    for value in (row[2] for row in rows):
        number = float(value.split()[0].replace(",", ""))
        assert ("." in value.split()[0]) == (number < 10), f"/data/: {value!r}"
    empty = [f"/data/: {row[0]}" for row in rows if not row[1]]
    assert not empty, problems(empty, "files without a description")


def test_description_and_size_are_apart_in_the_search_index(pages, search_index) -> None:
    rows = [row for table in pages["data/"].tables for row in table if len(row) == 3][1:]
    text = " ".join(_index_text(doc) for doc in search_index["docs"]
                    if doc["location"].startswith("data/"))
    for _, description, size in rows:
        assert f"{description} {size}" in text, (
            f"/data/: {description!r} and {size!r} not apart in the search index: "
            f"…{text[max(0, text.find(size) - 60): text.find(size) + 20]}…")


# -- the search index ----------------------------------------------------------------

def _index_text(doc: dict) -> str:
    return " ".join(html.unescape(re.sub(r"</?\w+>", " ", doc["text"])).split())


def test_search_terms_carry_no_punctuation(search_index) -> None:
    separator = re.compile(search_index["config"]["separator"])
    found = []
    for doc in search_index["docs"]:
        for field in ("title", "text"):
            text = html.unescape(re.sub(r"</?\w+>", " ", doc[field]))
            for term in separator.split(text):
                if term and term[-1] in ",;:“”":
                    found.append(f"/{doc['location']}: {field} term {term!r}")
    assert not found, problems(found, "search terms ending in punctuation")


# Two words run together: a lower-case letter, or punctuation that ends a phrase, then a
# capitalised word; or a word then a number.
RUN_TOGETHER = re.compile(r"[a-z”.:;,)][A-Z][a-z]|[A-Za-z][0-9]")


def test_search_index_keeps_words_apart(pages, search_index) -> None:
    found = []
    for doc in search_index["docs"]:
        text = _index_text(doc)
        for match in RUN_TOGETHER.finditer(text):
            found.append(where(doc["location"], text, match.start(), match.end()))
    for url, page in pages.items():
        glued_pairs = [(a, b) for table in page.tables for row in table
                       for a, b in itertools.pairwise(row) if a and b]
        if not glued_pairs:
            continue
        text = " ".join(_index_text(doc) for doc in search_index["docs"]
                        if doc["location"].split("#")[0] == url)
        for a, b in glued_pairs:
            glued = a.split()[-1] + b.split()[0]
            if re.search(rf"(?<!\S){re.escape(glued)}", text):
                found.append(f"/{url}: table cells {a!r} and {b!r} run together: {glued!r}")
    assert not found, problems(found, "words run together in the search index")
