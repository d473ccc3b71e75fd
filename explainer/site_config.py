"""mkdocs.yml read the way the build reads it, and the files the build will read, so that
`check` validates exactly the build's inputs. The only MkDocs code `check` runs."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic
from .files import NotReadable, read_regular, tree_problems

CONFIG_FILE = "mkdocs.yml"


@dataclass(frozen=True)
class SectionFile:
    src_uri: str  # as MkDocs names it, relative to docs_dir
    url: str  # the page's site-relative URL ('' for the home page)
    path: Path


@dataclass
class BuildInputs:
    config_file: Path
    docs_dir: Path
    data_dir: Path
    templates_dir: Path
    site_url: str | None
    sections: list[SectionFile] = field(default_factory=list)
    # Site-relative output path of every other file copied from docs_dir.
    static_files: list[str] = field(default_factory=list)


def load_mkdocs_config(root: Path) -> tuple[Any, list[Diagnostic]]:
    """MkDocs' own reading of mkdocs.yml (strict, as the build does), or diagnostics at
    the line of each bad setting."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    config_file = root / CONFIG_FILE
    try:
        text = read_regular(config_file).decode("utf-8", "replace")
    except NotReadable as exc:
        return None, [Diagnostic(CONFIG_FILE, 1, 1, "error", f"{CONFIG_FILE} {exc}")]
    messages = _Collect()
    logger = logging.getLogger("mkdocs.config")
    logger.addHandler(messages)
    propagate, logger.propagate = logger.propagate, False
    try:
        config = load_config(config_file=str(config_file), strict=True)
    except (Abort, ConfigurationError) as exc:
        problems = [_config_diagnostic(text, message) for message in messages.seen]
        if not problems:
            problems = [_config_diagnostic(text, str(exc))]
        return None, problems
    finally:
        logger.removeHandler(messages)
        logger.propagate = propagate
    return config, []


class _Collect(logging.Handler):
    """MkDocs logs each bad setting, then raises a summary; the settings are what matter."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record.getMessage())


_KEY = re.compile(r"^Config value '([^']+)': ")
_MARK = re.compile(r'line (\d+), column (\d+)')


def _config_diagnostic(text: str, message: str) -> Diagnostic:
    line, column = 1, 1
    key = _KEY.match(message)
    mark = _MARK.search(message)
    if key:
        top = key.group(1).split(".")[0]
        line = next((number for number, source in enumerate(text.splitlines(), 1)
                     if source.startswith(f"{top}:")), 1)
        message = f"{key.group(1)}: {message[key.end():]}"
    elif mark:
        line, column = int(mark.group(1)), int(mark.group(2))
    return Diagnostic(CONFIG_FILE, line, column, "error", " ".join(message.split()))


def load_inputs(root: Path) -> tuple[BuildInputs | None, list[Diagnostic]]:
    """The build's inputs, or the diagnostics that would stop the build before it reads
    any page (a broken mkdocs.yml, a loop or a pipe in content/ or overrides/)."""
    config, problems = load_mkdocs_config(root)
    if config is None:
        return None, problems
    plugin = config.plugins.get("explainer")
    if plugin is None:
        return None, [Diagnostic(CONFIG_FILE, 1, 1, "error",
                                 "the explainer plugin is not enabled; add '- explainer' "
                                 "under plugins:")]
    inputs = BuildInputs(
        config_file=root / CONFIG_FILE, docs_dir=Path(config.docs_dir),
        data_dir=root / plugin.config.data_dir,
        templates_dir=root / plugin.config.templates_dir, site_url=config.site_url)
    problems = (tree_problems(inputs.docs_dir, root)
                + tree_problems(inputs.templates_dir, root))
    if problems:  # walking a loop or reading a pipe would hang or break what follows
        return inputs, problems
    inputs.sections, inputs.static_files = _files_of(config)
    return inputs, []


def _files_of(config) -> tuple[list[SectionFile], list[str]]:
    from mkdocs.structure.files import InclusionLevel, get_files

    files = get_files(config)
    sections = [SectionFile(file.src_uri, "" if file.url in (".", "./") else file.url,
                            Path(file.abs_src_path))
                for file in files.documentation_pages(inclusion=InclusionLevel.is_included)]
    static = [file.dest_uri for file in files
              if file.inclusion.is_included() and not file.is_documentation_page()]
    return sections, static
