"""A whole project checked at once: the data in data/ and the references in content/."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .diagnostics import Diagnostic, short
from .files import NotReadable, read_regular
from .history import load_history, retired
from .kinds import KINDS, Kind
from .parse_cache import ParseCache
from .references import check_reference, find_references
from .site_config import CONFIG_FILE, BuildInputs
from .store import Dataset, Retired, load_dataset, sources_of
from .urls import DATA_DIR as EXPORT_DIR
from .urls import FEED_PATH, entity_url, export_paths, site_url_problem
from .yaml_source import byte_line_col


@dataclass
class Report:
    dataset: Dataset
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def summary_line(self) -> str:
        counts = ", ".join(
            f"{len(self.dataset.table(kind.name))} {kind.name}"
            for kind in _in_summary_order(KINDS.values()))
        return f"data: {counts}"

    def coverage_line(self) -> str:
        parts = []
        for kind in _in_summary_order(k for k in KINDS.values() if k.coverage):
            table = self.dataset.table(kind.name)
            sourced = sum(1 for entity in table.values() if sources_of(entity))
            share = 100 * sourced / len(table) if table else 100
            parts.append(f"{share:.0f}% of {len(table)} {kind.name}")
        return "sources: " + ", ".join(parts)


def _in_summary_order(kinds: Iterable[Kind]) -> list[Kind]:
    return sorted(kinds, key=lambda kind: kind.summary_order)


def decode_markdown(data: bytes, shown: str) -> tuple[str, Diagnostic | None]:
    """A section's text, or a diagnostic at the first byte that is not UTF-8 or the first
    control character (which would make the page's HTML and feeds ill-formed)."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line, column = byte_line_col(data, exc.start)
        return "", Diagnostic(shown, line, column, "error",
                              f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the "
                              "file as UTF-8")
    control = _CONTROL.search(text)
    if control:
        before = text[: control.start()]
        line, column = before.count("\n") + 1, control.start() - before.rfind("\n")
        return "", Diagnostic(shown, line, column, "error",
                              f"control character U+{ord(control.group()):04X} in the text; "
                              "remove it")
    return text, None


# C0 and C1 controls and DEL; tab, line feed and carriage return are ordinary text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def read_section(path: Path, shown: str) -> tuple[str, Diagnostic | None]:
    try:
        data = read_regular(path)
    except NotReadable as exc:
        return "", Diagnostic(shown, 1, 1, "error", f"{shown} {exc}")
    return decode_markdown(data, shown)


def site_url_problems(site_url: str | None, root: Path) -> list[Diagnostic]:
    """site_url (or SITE_URL) goes into every canonical link, the sitemap and the feed:
    it must be a plain absolute http(s) address of a folder."""
    problem = site_url_problem(site_url)
    if problem is None:
        return []
    line = _line_of_key(root / CONFIG_FILE, "site_url")
    return [Diagnostic(CONFIG_FILE, line, 1, "error", problem)]


def _line_of_key(path: Path, key: str) -> int:
    try:
        lines = read_regular(path).decode("utf-8", "replace").splitlines()
    except NotReadable:
        return 1
    return next((number for number, line in enumerate(lines, 1)
                 if line.startswith(f"{key}:")), 1)


def template_problems(templates_dir: Path, root: Path) -> list[Diagnostic]:
    """Jinja syntax errors in overrides/, found before MkDocs renders a page with them."""
    problems: list[Diagnostic] = []
    if not templates_dir.is_dir():
        return problems
    environment = jinja2.Environment()
    for path in sorted(templates_dir.rglob("*.html")):
        shown = Path(os.path.relpath(path, root)).as_posix()
        try:
            environment.parse(read_regular(path).decode("utf-8"))
        except NotReadable as exc:
            problems.append(Diagnostic(shown, 1, 1, "error", f"{shown} {exc}"))
        except UnicodeDecodeError:
            problems.append(Diagnostic(shown, 1, 1, "error",
                                       "not valid UTF-8; save the template as UTF-8"))
        except jinja2.TemplateSyntaxError as exc:
            message = " ".join((exc.message or "syntax error").split())
            problems.append(Diagnostic(shown, exc.lineno or 1, 1, "error",
                                       f"template syntax: {message}"))
    return problems


def generated_page_urls(dataset: Dataset) -> dict[str, str]:
    """URL -> name of every page the explainer generates, for collision checks."""
    urls: dict[str, str] = {}
    for kind in KINDS.values():
        if kind.index is not None:
            urls[kind.index.url] = f"the generated {kind.name} index"
    urls[f"{EXPORT_DIR}/"] = "the generated Data page"
    for kind in KINDS.values():
        if kind.own_pages:
            for entity_id in dataset.table(kind.name):
                urls[entity_url(kind.name, entity_id)] = (
                    f"the generated page of {kind.singular} '{entity_id}'")
    return urls


def generated_page_files(dataset: Dataset) -> dict[str, str]:
    """Output file -> name of every page the explainer generates ('actors/index.html').
    Each is written from '<url>index.md', so the file is the same with or without
    use_directory_urls."""
    return {f"{url}index.html": name for url, name in generated_page_urls(dataset).items()}


def generated_file_collision(shown: str, dest: str,
                             generated_files: dict[str, str]) -> Diagnostic | None:
    """A file copied from content/ to where a generated page is written."""
    if dest not in generated_files:
        return None
    return Diagnostic(shown, 1, 1, "error",
                      f"this file's address /{dest} is taken by {generated_files[dest]}, "
                      "which would silently replace it; rename the file")


def collision_problem(shown: str, url: str, generated: dict[str, str]) -> Diagnostic | None:
    if url not in generated:
        return None
    return Diagnostic(shown, 1, 1, "error",
                      f"this page's address /{url} is taken by {generated[url]}, which would "
                      "silently replace it; rename the file")


def static_collision_problem(shown: str, dest: str) -> Diagnostic:
    return Diagnostic(shown, 1, 1, "error", f"the explainer writes /{dest} itself, which "
                      "would silently replace this file; rename it")


def written_files(static_files: list[str]) -> set[str]:
    """Which of `static_files` the explainer also writes (open data, the feed)."""
    taken = {*export_paths(), FEED_PATH}
    return {path for path in static_files if path in taken}


def _retired_facts(root: Path, inputs: BuildInputs) -> Retired:
    """Facts removed in the git history, asked for only when the change log touches an
    unknown id. No cache: `check` writes nothing."""
    def lookup() -> frozenset[tuple[str, str]] | None:
        return retired(load_history(root, inputs.data_dir, KINDS, cache_dir=None))
    return lookup


def check_project(root: Path) -> Report:
    """Everything the build reads, checked as the build reads it: mkdocs.yml, the content
    and template folders, the data, and the sections MkDocs will render."""
    from .site_config import load_inputs

    inputs, diagnostics = load_inputs(root)
    if inputs is None:
        return Report(Dataset(), sorted(set(diagnostics)))
    diagnostics += site_url_problems(inputs.site_url, root)
    diagnostics += template_problems(inputs.templates_dir, root)
    parses = ParseCache(inputs.cache_dir, writable=False) if inputs.cache_dir else None
    dataset, data_problems = load_dataset(inputs.data_dir, root, _retired_facts(root, inputs),
                                          parses)
    diagnostics += data_problems
    diagnostics += _static_problems(inputs, dataset, root)
    diagnostics += _nav_problems(inputs, dataset, root)
    generated = generated_page_urls(dataset)
    for section in inputs.sections:
        shown = Path(os.path.relpath(section.path, root)).as_posix()
        collision = collision_problem(shown, section.url, generated)
        if collision is not None:
            diagnostics.append(collision)
        diagnostics += _section_problems(section.path, shown, dataset)
    return Report(dataset, sorted(set(diagnostics)))


def _static_problems(inputs: BuildInputs, dataset: Dataset, root: Path) -> list[Diagnostic]:
    """Files of content/ at a path the explainer writes itself."""
    def shown(dest: str) -> str:
        return Path(os.path.relpath(inputs.docs_dir / dest, root)).as_posix()

    problems = [static_collision_problem(shown(dest), dest)
                for dest in sorted(written_files(inputs.static_files))]
    pages = generated_page_files(dataset)
    for dest in inputs.static_files:
        collision = generated_file_collision(shown(dest), dest, pages)
        if collision is not None:
            problems.append(collision)
    return problems


def _section_problems(path: Path, shown: str, dataset: Dataset) -> list[Diagnostic]:
    """A section's references, found as the build finds them: in the text after the
    front matter, which MkDocs takes as page settings."""
    text, problem = read_section(path, shown)
    if problem is not None:
        return [problem]
    body, first_line = section_body(text)
    return [diagnostic for ref in find_references(body, first_line)
            for diagnostic in check_reference(ref, dataset, shown)]


def section_body(text: str) -> tuple[str, int]:
    """A section's text without its front matter, split as MkDocs splits it, and the
    line of the file the rest starts on."""
    from mkdocs.utils.meta import get_data

    body, _ = get_data(text)
    return body, text[: len(text) - len(body)].count("\n") + 1


def _nav_problems(inputs: BuildInputs, dataset: Dataset, root: Path) -> list[Diagnostic]:
    """nav entries of mkdocs.yml that name no page: a strict build fails on them."""
    if not inputs.nav_unfound:
        return []
    generated = {*(f"{url}index.md" for url in generated_page_urls(dataset)),
                 *export_paths(), FEED_PATH}
    try:
        lines = read_regular(inputs.config_file).decode("utf-8", "replace").splitlines()
    except NotReadable:
        lines = []
    docs = Path(os.path.relpath(inputs.docs_dir, root)).as_posix()
    problems = []
    for entry in inputs.nav_unfound:
        if entry.lookup in generated:
            continue
        line, column = _nav_position(lines, entry.path)
        fix = (f"create {docs}/{short(entry.lookup)} or remove the entry" if entry.lookup else
               f"write it relative to {docs}/ or as a full URL")
        problems.append(Diagnostic(CONFIG_FILE, line, column, "error",
                                   f"nav entry '{short(entry.path)}' names no page; {fix}"))
    return problems


def _nav_position(lines: list[str], path: str) -> tuple[int, int]:
    """Where `path` is written as a value under nav:, or the nav: line itself."""
    start = next((number for number, line in enumerate(lines) if line.startswith("nav:")), 0)
    # The whole value: 'missing.md' is not found inside 'not-missing.md'.
    value = re.compile(rf"""(?:^|[\s:'"]){re.escape(path)}(?=['"]?\s*(?:#|$))""")
    for number in range(start, len(lines)):
        found = value.search(lines[number])
        if found:
            return number + 1, found.end() - len(path) + 1
    return start + 1, 1
