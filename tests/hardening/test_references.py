"""`[[kind:id]]` in Markdown sections: expanded where the page shows text as text, left
alone in code, comments and escapes, reported when malformed, never published raw."""

from __future__ import annotations

import re
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from explainer.references import SITE_EXTENSIONS, check_reference, find_references
from explainer.render.expand import expand
from explainer.render.templates import Templates
from explainer.render.text import plain_heading
from explainer.store import Dataset, load_dataset
from explainer.urls import page_heading_id

from ..conftest import REPO, copy_project, run_cli
from .support import check_in_process, position, time_limit

INDEX = "content/index.md"
LITERAL = "(to show '[[' as text, write \\[\\[)"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    loaded, _ = load_dataset(REPO / "data", REPO)
    return loaded


# -- where a reference is text and where it is not ------------------------------------

# Markdown in which `[[actor:putin]]` is shown as written (code, a comment, an escape, an
# attribute), as Python-Markdown with the site's extensions renders it.
LEFT_ALONE = {
    "indented code after a blank line": "Text.\n\n    [[actor:putin]]\n",
    "indented code at the start": "    [[actor:putin]]\n",
    "indented code after a heading": "# Title\n    [[actor:putin]]\n",
    "indented code with a tab": "Text.\n\n\t[[actor:putin]]\n",
    "code in a list item": "- item\n\n        [[actor:putin]]\n",
    "code in an admonition": "!!! note\n    Text.\n\n        [[actor:putin]]\n",
    "code right under an admonition": "!!! note\n        [[actor:putin]]\n",
    "four-backtick fence around three": "````\n```\n[[actor:putin]]\n```\n````\n",
    "tilde fence around backticks": "~~~\n```\n[[actor:putin]]\n~~~\n",
    "fence with a language": "```markdown\n[[actor:putin]]\n```\n",
    "fence inside a paragraph": "Text\n```\n[[actor:putin]]\n```\nmore\n",
    "indented fence (a code span)": "Text.\n\n  ```\n  [[actor:putin]]\n  ```\n",
    "fence in an admonition (a code span)": "!!! note\n    ```\n    [[actor:putin]]\n    ```\n",
    "code span": "See `[[actor:putin]]` here.\n",
    "code span over two lines": "See `code\n[[actor:putin]]` here.\n",
    "double-backtick span": "See `` a ` [[actor:putin]] `` here.\n",
    "unpaired longer opener": "See ``code [[actor:putin]] ` here.\n",
    "comment": "Text <!-- [[actor:putin]] --> more.\n",
    "comment over lines": "Text <!-- one\n[[actor:putin]] --> more.\n",
    "comment block over a blank line": "<!--\n[[actor:putin]]\n\n[[actor:putin]]\n-->\n",
    "comment in an admonition": "!!! note\n    <!-- [[actor:putin]] -->\n",
    "escaped brackets": "Write \\[\\[actor:putin]] for a link.\n",
    "one escaped bracket": "Write \\[[actor:putin]] for a link.\n",
    "attribute of a tag": 'A <span title="[[actor:putin]]">note</span>.\n',
}

# Markdown in which `[[actor:putin]]` is shown as text, so it must become a link.
LINKED = {
    "plain": "See [[actor:putin]].\n",
    "list continuation": "- item\n\n    See [[actor:putin]].\n",
    "admonition": "!!! note\n    See [[actor:putin]].\n",
    "admonition after a blank line": "!!! note\n\n    See [[actor:putin]].\n",
    "lazy paragraph line": "Text\n    [[actor:putin]]\n",
    "after an escaped backslash": "A \\\\[[actor:putin]] link.\n",
    "between code spans": "`<!--` [[actor:putin]] `-->`\n",
    "comment not closed": "Text <!-- [[actor:putin]]\n\nmore.\n",
    # Python-Markdown closes a fence only with the very same fence: this is no fence.
    "fence closed by a longer one": "```\n[[actor:putin]]\n````\n",
    "heading": "# About [[actor:putin]]\n",
    "table cell": "a | b\n--|--\n[[actor:putin]] | x\n",
    "raw HTML block": "<div>\n\n    [[actor:putin]]\n</div>\n",
    "in brackets": "[[[actor:putin]]]\n",
}


@pytest.mark.parametrize("text", LEFT_ALONE.values(), ids=LEFT_ALONE.keys())
def test_references_in_code_comments_and_escapes_are_left_alone(text: str) -> None:
    assert find_references(text) == []
    assert find_references(text.replace("putin", "nobody")) == []  # so not checked either


@pytest.mark.parametrize("text", LINKED.values(), ids=LINKED.keys())
def test_references_shown_as_text_are_found(text: str, dataset: Dataset) -> None:
    [ref] = find_references(text)
    assert (ref.kind, ref.ids, ref.problem) == ("actor", ("putin",), None)
    assert check_reference(ref, dataset, "content/x.md") == []


@pytest.mark.parametrize("text", [*LEFT_ALONE.values(), *LINKED.values()],
                         ids=[*LEFT_ALONE.keys(), *LINKED.keys()])
def test_the_page_shows_no_raw_reference_and_no_link_as_code(text: str,
                                                             dataset: Dataset) -> None:
    """Expanded and rendered as the site renders it: a link outside code for every
    reference found, and nothing expanded inside code."""
    expanded = expand(Templates(dataset, REPO / "overrides"), text, "page/", "content/x.md")
    page = _Page.of(markdown.markdown(expanded, extensions=list(SITE_EXTENSIONS)))
    assert "ex-ref" not in page.code_text, "a reference was expanded into code"
    found = len(find_references(text))
    assert page.links_outside_code == found
    if found:
        assert "[[actor:putin]]" not in page.text, "a reference was published raw"


# -- blocks inside admonitions and list items ----------------------------------------


@pytest.mark.parametrize(("text", "container"), [
    ("!!! note\n    Before.\n    [[quote:putin-starting-point]]\n    After.\n", "div"),
    ("!!! note\n\n    [[stances:ceasefire]]\n\n    After.\n", "div"),
    ("- item\n\n    [[events:arrival,limousine-ride]]\n\n    After.\n", "li"),
    ("!!! note\n    Before.\n\n    - item\n\n        [[questions:points-of-disagreement]]\n",
     "li"),
])
def test_a_block_stays_inside_its_admonition_or_list_item(text: str, container: str,
                                                          dataset: Dataset) -> None:
    expanded = expand(Templates(dataset, REPO / "overrides"), text, "page/", "content/x.md")
    html = markdown.markdown(expanded, extensions=list(SITE_EXTENSIONS))
    page = _Page.of(html)
    blocks = [tag for tag in page.elements
              if re.search(r"\bex-(quote|block)\b", tag.attrs.get("class") or "")]
    after = [tag for tag in page.elements if tag.name == "p" and tag.text == "After."]
    assert blocks, html
    assert all(container in tag.ancestors for tag in [*blocks, *after]), html


@pytest.mark.parametrize("text", [
    "Text\n    [[quote:putin-starting-point]]\n",
    "!!! note\n    Text\n        [[quote:putin-starting-point]]\n",
    "- item\n\n    Text\n          [[quote:putin-starting-point]]\n",
    "  [[quote:putin-starting-point]]\n",
], ids=["lazy line", "lazy line in an admonition", "lazy line in a list item", "two spaces"])
def test_a_block_on_an_indented_line_is_not_shown_as_code(text: str, dataset: Dataset) -> None:
    expanded = expand(Templates(dataset, REPO / "overrides"), text, "page/", "content/x.md")
    page = _Page.of(markdown.markdown(expanded, extensions=list(SITE_EXTENSIONS)))
    assert "starting point" not in page.code_text
    assert [t for t in page.elements if t.attrs.get("id") == "quote-putin-starting-point"]


# -- malformed references: one error each, at the '[[' ---------------------------------

MALFORMED = [
    ("Met [[actor:trump] in Alaska.",
     f"unclosed reference '[[actor:trump]'; close it with ']]' {LITERAL}"),
    ("Saw [[actor:trump|the [former] president]] there.",
     "brackets inside reference '[[actor:trump|the [former] president]]'; an id or label "
     "cannot contain '[' or ']': write the label without them, e.g. with parentheses"),
    ("Led [[actor:\ntrump]] there.",
     "reference '[[actor:' is cut by a line break; write it on one line"),
    ("Hid [[actor:trump and left.", f"unclosed reference '[[actor:trump and left.'; close it "
                                    f"with ']]' {LITERAL}"),
    ("Got [[trump]] there.",
     f"'[[trump]]' is not a reference; write [[kind:id]], e.g. [[actor:putin]] {LITERAL}"),
    ("Won [[actor:trump `]]` there.",
     f"unclosed reference '[[actor:trump'; close it with ']]' {LITERAL}"),
    ("Ran [[actor:trump [[actor:putin]].",
     f"unclosed reference '[[actor:trump'; close it with ']]' {LITERAL}"),
]


@pytest.mark.parametrize(("text", "message"), MALFORMED)
def test_a_malformed_reference_is_an_error_at_its_brackets(text: str, message: str,
                                                           dataset: Dataset) -> None:
    refs = find_references("First line.\n" + text, first_line=3)
    problems = [d for ref in refs for d in check_reference(ref, dataset, "content/x.md")]
    assert problems[0].as_text() == f"content/x.md:4:5: error: {message}"
    assert len(problems) == 1


def test_check_and_build_report_malformed_references_alike(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    page = root / INDEX
    page.write_text(page.read_text(encoding="utf-8") + "\n" + "\n\n".join(
        text for text, _ in MALFORMED[:4]) + "\n", encoding="utf-8")
    expected = [f"{position(root, INDEX, text.split(chr(10))[0], text.index('[['))}: error: "
                f"{message}" for text, message in MALFORMED[:4]]
    check = check_in_process(root)
    assert check.status == 1
    assert check.diagnostics == expected
    build = run_cli(root, "build")
    assert build.returncode == 1
    assert [line for line in build.lines if ": error: " in line] == expected


def test_references_in_comments_and_code_are_not_checked(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    page = root / INDEX
    page.write_text(page.read_text(encoding="utf-8") + "\n<!-- [[actor:nobody]] -->\n\n"
                    "<!--\n[[actor:nobody]]\n\n[[quote:nothing]]\n-->\n\n"
                    "Text.\n\n    [[actor:nobody]]\n", encoding="utf-8")
    check = check_in_process(root)
    assert (check.status, check.diagnostics) == (0, [])


# -- time: no backtracking ------------------------------------------------------------


@pytest.mark.parametrize(("text", "seconds"), [
    ("[" * 100_000, 1.0),
    ("[[actor:" + " " * 100_000, 1.0),
    ("[[a" * 30_000, 3.0),
    ("`[[" * 30_000, 3.0),
    ("<!--[[" * 20_000, 3.0),
    ("\\[[" * 30_000, 3.0),
    ("".join("`" * (n % 40 + 1) + "[[x" for n in range(20_000)), 3.0),
    ("x\t[[a]" * 20_000, 3.0),
], ids=["brackets", "unclosed-blanks", "openers", "ticks", "comments", "escapes",
        "tick-runs", "tabs"])
def test_long_lines_are_read_in_linear_time(text: str, seconds: float) -> None:
    started = time.perf_counter()
    with time_limit(30, "find_references"):
        find_references(text)
    assert time.perf_counter() - started < seconds


# -- headings as plain text -----------------------------------------------------------


@pytest.mark.parametrize(("heading", "plain"), [
    ("# How [[actor:putin|Putin]] set the *stage*", "How Putin set the stage"),
    ("How [[actor:putin]] met [[actor:trump|him]]", "How Vladimir Putin met him"),
    ("[[issue:ceasefire]] and [[question:what-were-the-agreements]]",
     "Ceasefire in Ukraine and What did Trump and Putin actually agree on?"),
    ("`code`, [a link](https://example.org/) and **bold** _em_", "code, a link and bold em"),
    ("Fish &amp; chips \\*not emphasis\\* &#8212; &lt;b&gt;", "Fish & chips *not emphasis* — <b>"),
    ("Title { #custom-id }", "Title"),
    ("## Closed heading ##", "Closed heading"),
    ("`[[actor:putin]]` is the syntax", "[[actor:putin]] is the syntax"),
    ("What wasn't said", "What wasn’t said"),
    ("About [[actor:nobody]]", "About nobody"),
    ("A label with *stars* [[actor:putin|*not em*]]", "A label with stars *not em*"),
])
def test_plain_heading(heading: str, plain: str, dataset: Dataset) -> None:
    assert plain_heading(heading, dataset) == plain


# -- a real build ---------------------------------------------------------------------

EDGE_SECTION = """

## Edge cases

!!! note "A note"
    Before the card, [[actor:putin]].

    [[quote:putin-starting-point]]

    After the card.

!!! warning
    [[quote:quotes-markdown]]

Back outside.

    [[actor:putin]] in indented code

````markdown
```
[[actor:putin]] in a fence
```
````

<!-- [[actor:putin]] in a comment -->
"""

EDGE_DATA = {
    "actors": """
- id: quotes
  name: Quotes Person
  kind: person
  sources: [alaska-summit-article]
""",
    "quotes": """
- id: quotes-markdown
  actor: quotes
  text: "[a link](javascript:alert(1)) *not em* -- `not code` <b>not bold</b> \\\\[x]"
  context: A quote full of Markdown.
  source: alaska-summit-article
""",
    "issues": """
- id: stances
  title: An issue called stances
  summary: Its page has a section called stances too.
  sources: [alaska-summit-article]
""",
}


@pytest.fixture(scope="module")
def edge_site(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("edge") / "project")
    for kind, entries in EDGE_DATA.items():
        with (root / "data" / f"{kind}.yaml").open("a", encoding="utf-8") as file:
            file.write(entries)
    page = root / INDEX
    page.write_text(page.read_text(encoding="utf-8") + EDGE_SECTION, encoding="utf-8")
    run = run_cli(root, "build")
    assert run.returncode == 0, run.stderr
    return root / "site"


def _read(site: Path, url: str) -> tuple[str, _Page]:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    return html, _Page.of(html)


def test_a_quote_card_in_an_admonition_is_inside_it(edge_site: Path) -> None:
    html, page = _read(edge_site, "")
    [card] = [tag for tag in page.elements
              if tag.attrs.get("id") == "quote-putin-starting-point"]
    assert "div.admonition" in card.classed_ancestors
    assert "starting point" in card.text
    after = next(tag for tag in page.elements if tag.text.strip() == "After the card.")
    assert "div.admonition" in after.classed_ancestors


def test_data_in_a_card_in_an_admonition_stays_text(edge_site: Path) -> None:
    html, page = _read(edge_site, "")
    [card] = [tag for tag in page.elements if tag.attrs.get("id") == "quote-quotes-markdown"]
    assert "div.admonition" in card.classed_ancestors
    assert "[a link](javascript:alert(1)) *not em* -- `not code` <b>not bold</b> \\[x]" in \
        card.text
    assert "javascript:" not in " ".join(t.attrs.get("href") or "" for t in page.elements)
    assert not {"em", "code", "b"} & {t.name for t in card.descendants(page)}


def test_references_in_code_and_comments_are_shown_as_written(edge_site: Path) -> None:
    html, page = _read(edge_site, "")
    assert "[[actor:putin]] in indented code" in page.code_text
    assert "```\n[[actor:putin]] in a fence\n```" in page.code_text
    assert "ex-ref" not in page.code_text
    assert "<!-- [[actor:putin]] in a comment -->" in html


@pytest.mark.parametrize(("url", "kind", "entity_id"), [
    ("actors/quotes/", "actors", "quotes"), ("issues/stances/", "issues", "stances"),
    ("actors/putin/", "actors", "putin"), ("issues/ceasefire/", "issues", "ceasefire")])
def test_ids_on_entity_pages_are_unique(edge_site: Path, url: str, kind: str,
                                        entity_id: str) -> None:
    html, page = _read(edge_site, url)
    ids = Counter(tag.attrs["id"] for tag in page.elements if tag.attrs.get("id"))
    assert [i for i, count in ids.items() if count > 1] == []
    [h1] = [tag for tag in page.elements if tag.name == "h1"]
    assert h1.attrs.get("id") == page_heading_id(kind, entity_id)
    assert f'href="#{page_heading_id(kind, entity_id)}"' in html  # its permalink


# -- reading HTML back ----------------------------------------------------------------


class _Tag:
    def __init__(self, name: str, attrs: dict[str, str | None], ancestors: list[_Tag]):
        self.name = name
        self.attrs = attrs
        self.parents = list(ancestors)
        self.ancestors = [a.name for a in ancestors]
        self.classed_ancestors = [f"{a.name}.{c}" for a in ancestors
                                  for c in (a.attrs.get("class") or "").split()]
        self.text = ""

    def descendants(self, page: _Page) -> list[_Tag]:
        return [tag for tag in page.elements if self in tag.parents]


class _Page(HTMLParser):
    """Elements with their ancestors and text; text inside and outside code apart."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[_Tag] = []
        self.elements: list[_Tag] = []
        self.code_text = ""
        self.text = ""
        self.links_outside_code = 0

    @classmethod
    def of(cls, html: str) -> _Page:
        page = cls()
        page.feed(html)
        page.close()
        return page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Tag(tag, dict(attrs), self.open)
        self.elements.append(element)
        if tag == "a" and "ex-ref" in (element.attrs.get("class") or "") and not self._in_code:
            self.links_outside_code += 1
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index].name == tag:
                del self.open[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data
        if self._in_code:
            self.code_text += data
        else:
            self.text += data

    @property
    def _in_code(self) -> bool:
        return any(element.name in ("code", "pre") for element in self.open)
