"""Trust and sharing, read back from the built site: structured data, social tags and
cards, the change log and its feed, the open data export."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from PIL import Image

from explainer.structured import card_path, safe_json

from .conftest import REPO, copy_project, replace_in, run_cli
from .sitehtml import parse_site

SITE_URL = "https://example.org/alaska-summit/"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("trust") / "project")
    # A correction, so the change log has one to show.
    with (root / "data" / "updates.yaml").open("a", encoding="utf-8") as updates:
        updates.write(
            "- id: peskov-title-fix\n"
            "  date: \"2026-11-30\"\n"
            "  kind: correction\n"
            "  summary: Corrected Dmitry Peskov's title.\n"
            "  corrected: that he was the Kremlin's foreign minister.\n"
            "  touches: [\"actor:peskov\"]\n")
    run = run_cli(root, "build")
    assert run.returncode == 0, run.stderr
    return root / "site"


@pytest.fixture(scope="module")
def pages(built: Path):
    return {url: page for url, page in parse_site(built).items() if url != "404.html"}


def json_ld(page) -> dict:
    blocks = [body for attrs, body in page.scripts if attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1, f"{page.url}: {len(blocks)} JSON-LD blocks"
    return json.loads(blocks[0])


def meta(page, key: str) -> str | None:
    for tag, attrs in page.tags:
        if tag == "meta" and (attrs.get("property") == key or attrs.get("name") == key):
            return attrs.get("content")
    return None


def test_every_page_has_a_news_article_with_dates_matching_its_dateline(pages) -> None:
    for page in pages.values():
        article = json_ld(page)["@graph"][0]
        assert article["@type"] == "NewsArticle"
        for key in ("headline", "description", "datePublished", "dateModified", "author",
                    "publisher", "image", "about", "url"):
            assert article.get(key), f"{page.url}: NewsArticle without {key}"
        assert article["url"] == SITE_URL + page.url
        assert article["about"]["@type"] == "Event"
        line = re.search(r'<p class="ex-updated">(.*?)</p>', page.path.read_text(encoding="utf-8"))
        assert line, f"{page.url}: no 'Published … · Updated …' line"
        stamps = dict(re.findall(r'(Published|Updated) <time datetime="([0-9-]+)"', line.group(1)))
        assert stamps.get("Published") == article["datePublished"], page.url
        assert stamps.get("Updated", stamps["Published"]) == article["dateModified"], page.url
        assert meta(page, "article:modified_time") == article["dateModified"]
        assert meta(page, "article:published_time") == article["datePublished"]


def test_actor_page_describes_the_person_and_their_quotes(pages) -> None:
    graph = json_ld(pages["actors/peskov/"])["@graph"]
    person = next(t for t in graph if t["@type"] == "Person")
    assert person["name"] == "Dmitry Peskov"
    assert person["jobTitle"]
    assert person["affiliation"]["name"]
    quotes = [t for t in graph if t["@type"] == "Quotation"]
    data = [q for q in _data("quotes") if q["actor"] == "peskov"]
    assert len(quotes) == len(data)
    for quotation in quotes:
        assert quotation["creator"]["@id"] == person["@id"]
        assert quotation["isBasedOn"]["url"].startswith(SITE_URL + "sources/#source-")


def test_section_page_mentions_its_actors(pages) -> None:
    article = json_ld(pages["kremlin-reaction/"])["@graph"][0]
    names = {m["name"] for m in article["mentions"]}
    assert "Dmitry Peskov" in names


def test_json_ld_cannot_be_broken_out_of() -> None:
    text = safe_json({"name": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script> & <!--"


def test_every_page_has_social_tags_and_a_card(pages, built: Path) -> None:
    for page in pages.values():
        for key in ("og:title", "og:type", "og:url", "og:image", "og:description",
                    "article:published_time", "article:modified_time", "twitter:card",
                    "twitter:image"):
            assert meta(page, key), f"{page.url}: no {key}"
        assert meta(page, "twitter:card") == "summary_large_image"
        assert meta(page, "og:url") == SITE_URL + page.url
        image = meta(page, "og:image")
        assert image == SITE_URL + card_path(page.url)
        with Image.open(built / card_path(page.url)) as card:
            assert card.size == (1200, 630), page.url
        canonical = [a["href"] for t, a in page.tags if t == "link" and a.get("rel") == "canonical"]
        assert canonical == [SITE_URL + page.url]


def test_feed_is_linked_from_every_page_and_parses(pages, built: Path) -> None:
    for page in pages.values():
        feeds = [a for t, a in page.tags if t == "link"
                 and a.get("type") == "application/atom+xml"]
        assert len(feeds) == 1, page.url
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.parse(built / "changes" / "feed.xml").getroot()
    entries = root.findall(f"{atom}entry")
    assert len(entries) == len(_data("updates")) + 1
    titles = [e.findtext(f"{atom}title") for e in entries]
    assert titles[0] == "Correction: Corrected Dmitry Peskov's title."  # newest first


def test_change_log_marks_corrections_and_entity_pages_list_their_updates(pages) -> None:
    changes = pages["changes/"]
    assert "Correction: an earlier version said that he was the Kremlin's foreign minister." \
        in changes.text.replace("’", "'")
    log = changes.text[changes.text.index("Updated 30 November 2026") + 1:]  # after the dateline
    assert log.index("30 November 2026") < log.index("29 November 2026")
    assert "Corrected Dmitry Peskov's title." in pages["actors/peskov/"].text.replace("’", "'")


def test_sitemap_parses_and_lists_pages(built: Path) -> None:
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root = ET.parse(built / "sitemap.xml").getroot()
    locations = {u.findtext(f"{namespace}loc") for u in root.findall(f"{namespace}url")}
    assert SITE_URL + "actors/putin/" in locations
    assert SITE_URL in locations


def test_open_data_validates_against_its_schemas_and_matches_the_pages(built: Path,
                                                                       pages) -> None:
    folder = built / "data"
    for kind in ("sources", "actors", "issues", "positions", "quotes", "questions", "events",
                 "updates"):
        records = json.loads((folder / f"{kind}.json").read_text(encoding="utf-8"))
        schema = json.loads((folder / "schemas" / f"{kind}.schema.json").read_text())
        jsonschema.validate(records, schema)
        assert records == json.loads((folder / "all.json").read_text())[kind]
    actors = json.loads((folder / "actors.json").read_text())
    assert {a["id"] for a in actors} == {u.split("/")[1] for u in pages
                                         if u.startswith("actors/") and u != "actors/"}
    issues = json.loads((folder / "issues.json").read_text())
    assert {i["id"] for i in issues} == {u.split("/")[1] for u in pages
                                         if u.startswith("issues/") and u != "issues/"}
    header = (folder / "quotes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "id,actor,text,context,date,event,source,as_of"
    timeline = json.loads((folder / "timeline.json").read_text())
    assert [e["unique_id"] for e in timeline["events"]] == [e["id"] for e in _data("events")]
    data_page = pages["data/"]
    assert "Creative Commons" in data_page.text
    assert "actors.csv" in data_page.text


def test_fact_without_source_fails_strict_with_file_and_line(project: Path) -> None:
    path = project / "data" / "events.yaml"
    text = path.read_text(encoding="utf-8")
    first_sources = re.search(r"\n  sources:\n(    - .*\n)+|\n  sources: \[.*\]\n", text)
    assert first_sources
    path.write_text(text[: first_sources.start()] + "\n" + text[first_sources.end():],
                    encoding="utf-8")
    run = run_cli(project, "check", "--strict")
    assert run.returncode == 1
    assert re.match(r"data/events\.yaml:\d+:3: error: event '[a-z-]+' cites no source",
                    run.lines[0]), run.lines
    assert re.search(r"sources: 100% of \d+ positions, 100% of \d+ quotes, \d\d% of",
                     run.stderr)


def test_unused_source_is_a_warning(project: Path) -> None:
    replace_in(project / "data" / "sources.yaml", "- id: alaska-summit-article",
               "- id: unused\n  title: Unused\n- id: alaska-summit-article")
    run = run_cli(project, "check")
    assert run.returncode == 0
    assert any(line.startswith("data/sources.yaml:2:7: warning: source 'unused' is cited by "
                               "nothing") for line in run.lines), run.lines


def _data(kind: str) -> list[dict]:
    import yaml

    return yaml.safe_load((REPO / "data" / f"{kind}.yaml").read_text(encoding="utf-8"))
