"""Printing and sharing, in a real browser.

Print (assets/css/60-print.css, theme/partials/print-header.html): the address of a
link is printed after it only for external links, never inside a table; Material's
header, navigation, search and footer and the share box are not printed; a header at
the top gives the site, byline, dates and canonical address; the overview prints on
fewer A4 pages than the four it took before.

Sharing (theme/partials/share.html, assets/js/20-share.js): "Copy link", "E-mail" and,
where the browser has one, "Share…" on every article page, with accessible names and a
visible focus; the mailto: link is percent-encoded; "Copy link" writes the canonical
address to the clipboard and says so in a live region. No request leaves 127.0.0.1.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from .conftest import NOT_FOUND_PATH, PHONE, Site
from .support import ACTIVE_ELEMENT_JS, focus_problem, follow, open_page


def fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


SITE_NAME = "The Alaska summit, explained"
AUTHOR = "The explainer desk"

# Pages to print: every kind of page with links in running text, in tables and, on the
# Data page, to another site; the 404 page's links are absolute addresses of this site.
PRINTED = [
    pytest.param("", id="overview"),
    pytest.param("setting-the-stage/", id="section"),
    pytest.param("actors/putin/", id="actor"),
    pytest.param("issues/", id="matrix"),
    pytest.param("issues/ceasefire/", id="issue"),
    pytest.param("sources/", id="sources"),
    pytest.param("data/", id="data"),
    pytest.param(NOT_FOUND_PATH, id="not-found-404"),
]
# Article pages, which carry the share box.
ARTICLES = [
    pytest.param("", id="overview"),
    pytest.param("setting-the-stage/", id="section"),
    pytest.param("actors/putin/", id="actor"),
    pytest.param("issues/ceasefire/", id="issue"),
]

# Every link in the article: its address, whether it is in a table, and what its
# ::after pseudo-element prints.
LINKS_JS = r"""
() => [...document.querySelectorAll('.md-content a[href]')].map(a => ({
  href: a.href,
  attr: a.getAttribute('href'),
  inTable: !!a.closest('table'),
  shown: a.getClientRects().length > 0,
  after: getComputedStyle(a, '::after').content,
}))
"""


def _links(page) -> list[dict[str, Any]]:
    return page.evaluate(LINKS_JS)


def _prints_url(link: dict[str, Any]) -> bool:
    return link["after"] not in ("none", "normal", '""') and "http" in link["after"]


def _open_for_print(page, url: str) -> None:
    page.goto(url, wait_until="networkidle")
    page.emulate_media(media="print")


# --------------------------------------------------------------------------- print


@pytest.mark.parametrize("path", PRINTED)
@pytest.mark.parametrize("javascript", [pytest.param(True, id="js"),
                                        pytest.param(False, id="no-js")])
def test_print_shows_urls_of_external_links_only(new_context, site: Site, watch, path: str,
                                                 javascript: bool) -> None:
    page = new_context(java_script_enabled=javascript).new_page()
    seen = watch(page)
    _open_for_print(page, site.url(path))
    links = [link for link in _links(page) if link["shown"]]
    if not links:
        fail(f"{site.url(path)}: no link in the article to check")
    internal = [link for link in links if link["href"].startswith(site.base_url)
                and _prints_url(link)]
    if internal:
        fail(f"{site.url(path)}: internal links print their address: "
             + ", ".join(f"{link['attr']} -> {link['after']}" for link in internal[:5]))
    in_table = [link for link in links if link["inTable"] and _prints_url(link)]
    if in_table:
        fail(f"{site.url(path)}: links in tables print their address: "
             + ", ".join(link["attr"] for link in in_table[:5]))
    external = [link for link in links if not link["href"].startswith(site.base_url)
                and link["href"].startswith("http") and not link["inTable"]]
    silent = [link for link in external if link["href"] not in link["after"]]
    if silent:
        fail(f"{site.url(path)}: external links without their address in print: "
             + ", ".join(f"{link['attr']} -> {link['after']}" for link in silent))
    assert seen.foreign_requests() == []


def test_an_external_link_prints_its_address(new_context, site: Site) -> None:
    """The Data page links to TimelineJS: that address is printed after the link."""
    page = new_context().new_page()
    _open_for_print(page, site.url("data/"))
    external = [link for link in _links(page)
                if link["shown"] and not link["href"].startswith(site.base_url)
                and link["href"].startswith("http")]
    if not external:
        fail("the Data page has no external link to print")
    for link in external:
        assert link["attr"] in link["after"], link


@pytest.mark.parametrize("path", [pytest.param("", id="overview"),
                                  pytest.param("setting-the-stage/", id="section"),
                                  pytest.param("actors/putin/", id="actor"),
                                  pytest.param("timeline/", id="timeline")])
def test_print_header_and_hidden_chrome(new_context, site: Site, path: str) -> None:
    page = new_context().new_page()
    page.goto(site.url(path), wait_until="networkidle")
    header = page.locator(".ex-print-header")
    if header.count() != 1:
        fail(f"{site.url(path)}: {header.count()} print headers, expected 1")
    assert not header.is_visible(), "the print header shows on screen"

    page.emulate_media(media="print")
    assert header.is_visible(), f"{site.url(path)}: no print header in print"
    text = " ".join(header.inner_text().split())
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical == site.url(path)
    for expected in (SITE_NAME, f"By {AUTHOR}", canonical):
        assert expected in text, f"{expected!r} missing from the print header: {text!r}"
    published = page.locator('meta[property="article:published_time"]').get_attribute(
        "content")
    assert re.search(r"Published \d{1,2} [A-Z][a-z]+ \d{4}", text), text
    assert header.locator(f'time[datetime="{published}"]').count() == 1
    # The header is the first thing printed in the article.
    first = page.evaluate("""() => {
        const article = document.querySelector('article');
        const box = el => el.getBoundingClientRect().top;
        const header = article.querySelector('.ex-print-header');
        return [...article.querySelectorAll('h1, p, ul, table')]
          .filter(el => !header.contains(el) && el.getClientRects().length)
          .every(el => box(el) >= box(header));
    }""")
    assert first, "something in the article prints above the print header"

    shown = page.evaluate("""() => [
        '.md-header', '.md-tabs', '.md-sidebar--primary', '.md-sidebar--secondary',
        '.md-search', '.md-footer', '.md-top', '.ex-share']
      .filter(selector => [...document.querySelectorAll(selector)]
        .some(el => el.getClientRects().length > 0))""")
    assert shown == [], f"{site.url(path)}: printed although they should not be: {shown}"


def test_the_overview_prints_on_fewer_than_four_pages(new_context, site: Site) -> None:
    page = new_context().new_page()
    page.goto(site.url(), wait_until="networkidle")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    counts = [int(n) for n in re.findall(rb"/Count (\d+)", pdf)]
    assert counts, "no page count in the PDF"
    assert max(counts) < 4, f"the overview prints on {max(counts)} A4 pages"


# --------------------------------------------------------------------------- share


def _share_box(page):
    box = page.get_by_role("group", name="Share this page")
    box.wait_for(state="attached")
    return box


@pytest.mark.parametrize("path", ARTICLES)
def test_share_buttons_with_names_and_focus(new_context, site: Site, watch, path: str) -> None:
    page = new_context().new_page()
    seen = watch(page)
    open_page(page, site.url(path))
    box = _share_box(page)
    copy = box.get_by_role("button", name="Copy link")
    mail = box.get_by_role("link", name="E-mail")
    assert copy.is_visible() and mail.is_visible()
    native = box.locator('[data-ex-share="native"]')
    has_share = page.evaluate("typeof navigator.share === 'function'")
    assert native.is_visible() == has_share, (
        f"Share… visible: {native.is_visible()}; navigator.share: {has_share}")
    if has_share:
        assert box.get_by_role("button", name="Share…").is_visible()
    for control in (copy, mail):
        control.focus()
        info = page.evaluate(ACTIVE_ELEMENT_JS)
        assert info is not None, "the control did not take focus"
        problem = focus_problem(info)
        assert problem is None, problem
    assert seen.errors() == []
    assert seen.foreign_requests() == []


def test_no_share_box_on_the_404_page(new_context, site: Site) -> None:
    page = new_context().new_page()
    page.goto(site.url(NOT_FOUND_PATH), wait_until="networkidle")
    assert page.locator(".ex-share").count() == 0


@pytest.mark.parametrize("path", ARTICLES)
def test_mailto_link_is_well_formed(new_context, site: Site, path: str) -> None:
    page = new_context().new_page()
    page.goto(site.url(path), wait_until="networkidle")
    href = _share_box(page).get_by_role("link", name="E-mail").get_attribute("href")
    title = page.locator('meta[property="og:title"]').get_attribute("content")
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and parts.path == "", href
    # RFC 6068: every character outside unreserved and a few delimiters percent-encoded.
    for name, value in (pair.split("=", 1) for pair in parts.query.split("&")):
        assert re.fullmatch(r"(?:[A-Za-z0-9\-._~!$'()*+,;:@]|%[0-9A-F]{2})*", value), (
            f"{name} is not percent-encoded: {value}")
    fields = parse_qs(parts.query, strict_parsing=True)
    assert set(fields) == {"subject", "body"}, href
    assert fields["subject"] == [title]
    body = unquote(re.search(r"body=([^&]*)", href).group(1))
    assert canonical in body.split("\r\n"), body
    assert title in body


@pytest.mark.parametrize("path", [pytest.param("setting-the-stage/", id="section"),
                                  pytest.param("actors/putin/", id="actor")])
def test_copy_link_writes_the_canonical_url_and_says_so(new_context, site: Site, watch,
                                                        path: str) -> None:
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    seen = watch(page)
    open_page(page, site.url(path))
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    box = _share_box(page)
    status = box.locator(".ex-share__status")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    box.get_by_role("button", name="Copy link").click()
    page.wait_for_function("el => el.textContent.trim() !== ''", arg=status.element_handle())
    assert "copied" in status.inner_text().lower()
    assert status.is_visible()
    assert page.evaluate("navigator.clipboard.readText()") == canonical
    assert seen.errors() == []
    assert seen.foreign_requests() == []


def test_share_box_after_instant_navigation(new_context, site: Site, watch) -> None:
    """Material swaps the article without loading the page: the new article's share box
    works and its internal links are still left without addresses in print."""
    context = new_context(permissions=["clipboard-read", "clipboard-write"], viewport=PHONE)
    page = context.new_page()
    seen = watch(page)
    open_page(page, site.url())
    follow(page, page.locator('article a[href$="setting-the-stage/"]').first, "overview")
    assert page.url == site.url("setting-the-stage/")
    box = _share_box(page)
    box.get_by_role("button", name="Copy link").click()
    page.wait_for_function("() => navigator.clipboard.readText().then(t => t !== '')")
    assert page.evaluate("navigator.clipboard.readText()") == site.url("setting-the-stage/")
    page.emulate_media(media="print")
    internal = [link for link in _links(page) if link["shown"]
                and link["href"].startswith(site.base_url) and _prints_url(link)]
    assert internal == [], internal[:3]
    assert seen.errors() == []
    assert seen.foreign_requests() == []
