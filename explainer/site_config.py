"""mkdocs.yml read the way the build reads it, and the files the build will read, so that
`check` validates exactly the build's inputs. The only MkDocs code `check` runs."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, cast
from urllib.parse import urlsplit

from .diagnostics import Diagnostic
from .files import NotReadable, read_regular, tree_problems

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

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
    cache_dir: Path | None = None  # the explainer's cache, which `check` only reads
    sections: list[SectionFile] = field(default_factory=list)
    # Site-relative output path of every other file copied from docs_dir.
    static_files: list[str] = field(default_factory=list)
    # nav entries that name no file in docs_dir, and that a strict build would fail on
    # unless the explainer generates them.
    nav_unfound: list[NavEntry] = field(default_factory=list)


@dataclass(frozen=True)
class NavEntry:
    path: str  # as written in mkdocs.yml
    lookup: str | None  # the file it names in docs_dir; None: an absolute path, never a file


def load_mkdocs_config(root: Path) -> tuple[MkDocsConfig | None, list[Diagnostic]]:
    """MkDocs' own reading of mkdocs.yml (strict, as the build does), or diagnostics at
    the line of each bad setting."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    config_file = root / CONFIG_FILE
    try:
        data = read_regular(config_file)
    except NotReadable as exc:
        return None, [Diagnostic(CONFIG_FILE, 1, 1, "error", f"{CONFIG_FILE} {exc}")]
    text = data.decode("utf-8", "replace")
    unsafe = _inherited_problems(root, data)
    if unsafe:
        return None, unsafe
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
    except Exception as exc:  # noqa: BLE001 - MkDocs' validators let plain errors escape
        return None, [_config_diagnostic(text, _unexpected(exc))]
    finally:
        logger.removeHandler(messages)
        logger.propagate = propagate
    return config, []


def _unexpected(exc: Exception) -> str:
    """An exception MkDocs raised instead of reporting, as a message about the setting it
    was validating (found in the traceback) when there is one."""
    detail = " ".join(str(exc).split()) or type(exc).__name__
    tb, key = exc.__traceback__, None
    while tb is not None and key is None:
        if tb.tb_frame.f_code.co_name == "_validate":
            found = tb.tb_frame.f_locals.get("key")
            key = found if isinstance(found, str) else None
        tb = tb.tb_next
    if key is not None:
        return f"Config value '{key}': {detail}; correct this setting"
    return f"MkDocs cannot load {CONFIG_FILE} ({type(exc).__name__}: {detail}); correct it"


# Tags PyYAML's full loader, which MkDocs uses, turns into Python objects or calls.
_PYTHON_TAG = "tag:yaml.org,2002:python/"
_STR_TAG = "tag:yaml.org,2002:str"  # a plain path, not one from !ENV
MAX_INHERIT = 20  # far more than any real chain of INHERIT files


def _inherited_problems(root: Path, config_data: bytes) -> list[Diagnostic]:
    """mkdocs.yml and each file it INHERITs, as MkDocs will load them, refused when one
    carries a Python tag (loading it would run code), leads back to an earlier one (MkDocs
    would recurse without end), or is not a regular file (a pipe would hang MkDocs)."""
    path, data, shown = root / CONFIG_FILE, config_data, CONFIG_FILE
    seen = {os.path.realpath(path)}
    while True:
        problems = _python_tags(data, shown)
        inherited = _inherit_value(data)
        if problems or not inherited:
            return problems
        path = path.parent / inherited
        shown = Path(os.path.relpath(path, root)).as_posix()
        if os.path.realpath(path) in seen or len(seen) > MAX_INHERIT:
            return [_inherit_loop(config_data, shown)]
        seen.add(os.path.realpath(path))
        if not path.exists():
            return []  # MkDocs names the missing file itself
        try:
            data = read_regular(path)
        except NotReadable as exc:
            return [Diagnostic(shown, 1, 1, "error", f"{shown} {exc}")]


def _python_tags(data: bytes, shown: str) -> list[Diagnostic]:
    """Parsing builds no objects, and the parser resolves %TAG handles and !<...> forms,
    so every way of writing a Python tag is seen. Bytes, as MkDocs passes them, so the
    encoding (UTF-16 too) is detected the same way. PyYAML's own parser, never libyaml's:
    libyaml ends a tag at a comma where MkDocs' parser reads on, so the two can see
    different tags in one file."""
    import yaml

    problems: list[Diagnostic] = []
    try:
        for event in yaml.parse(data, Loader=yaml.SafeLoader):
            tag = getattr(event, "tag", None) or ""
            if tag.startswith(_PYTHON_TAG):
                mark = cast(yaml.Mark, event.start_mark)  # parsed events carry marks
                problems.append(Diagnostic(
                    shown, mark.line + 1, mark.column + 1, "error",
                    f"{CONFIG_FILE} may not construct Python objects; remove the !!python tag"))
    except yaml.YAMLError:
        pass  # MkDocs reports the syntax error, and constructs nothing from a broken file
    return problems


def _inherit_value(data: bytes) -> str | None:
    """The file named by a top-level INHERIT, read without constructing anything."""
    import yaml

    try:
        node = yaml.compose(data, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None  # MkDocs reports what is wrong with the file
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if (key.value == "INHERIT" and isinstance(value, yaml.ScalarNode)
                and value.tag == _STR_TAG and value.value):
            return value.value
    return None


def _inherit_loop(config_data: bytes, shown: str) -> Diagnostic:
    lines = config_data.decode("utf-8", "replace").splitlines()
    line = next((number for number, source in enumerate(lines, 1)
                 if source.startswith("INHERIT:")), 1)
    return Diagnostic(CONFIG_FILE, line, 1, "error",
                      f"INHERIT: {CONFIG_FILE} leads back to {shown}, a loop; point INHERIT "
                      "at another file or remove it")


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
    from .plugin.config import site_templates_dir

    plugin = config.plugins.get("explainer")
    if plugin is None:
        return None, [Diagnostic(CONFIG_FILE, 1, 1, "error",
                                 "the explainer plugin is not enabled; add '- explainer' "
                                 "under plugins:")]
    inputs = BuildInputs(
        config_file=root / CONFIG_FILE, docs_dir=Path(config.docs_dir),
        data_dir=root / plugin.config.data_dir,
        templates_dir=site_templates_dir(root, plugin.config, config),
        site_url=config.site_url, cache_dir=root / plugin.config.cache_dir)
    problems = (tree_problems(inputs.docs_dir, root)
                + tree_problems(inputs.templates_dir, root))
    if problems:  # walking a loop or reading a pipe would hang or break what follows
        return inputs, problems
    _read_files(config, inputs)
    return inputs, []


def _read_files(config: MkDocsConfig, inputs: BuildInputs) -> None:
    from mkdocs.structure.files import InclusionLevel, get_files

    files = get_files(config)
    inputs.sections = [
        SectionFile(file.src_uri, "" if file.url in (".", "./") else file.url,
                    Path(cast(str, file.abs_src_path)))  # set on every file of docs_dir
        for file in files.documentation_pages(inclusion=InclusionLevel.is_included)]
    inputs.static_files = [file.dest_uri for file in files
                           if file.inclusion.is_included() and not file.is_documentation_page()]
    inputs.nav_unfound = _nav_unfound(config, files)


def _nav_unfound(config: MkDocsConfig, files: Files) -> list[NavEntry]:
    """The nav entries MkDocs' get_navigation would warn about: not a URL, and no file
    of docs_dir (the explainer's pages are added later)."""
    from mkdocs.structure.pages import _AbsoluteLinksValidationValue

    levels = config.validation.nav
    relative_to_docs = levels.absolute_links is _AbsoluteLinksValidationValue.RELATIVE_TO_DOCS
    unfound: list[NavEntry] = []
    for path in _nav_paths(config.nav):
        scheme, netloc = urlsplit(path)[:2]
        if scheme or netloc:
            continue  # an external link
        if path.startswith("/") and not relative_to_docs:
            if levels.absolute_links >= logging.WARNING:
                unfound.append(NavEntry(path, None))
            continue
        lookup = PurePosixPath(path.lstrip("/")).as_posix()
        if files.get_file_from_path(lookup) is None and levels.not_found >= logging.WARNING:
            unfound.append(NavEntry(path, lookup))
    return unfound


def _nav_paths(nav: object) -> list[str]:
    """Every path or URL in a nav: nested lists and one-key mappings of title -> entry."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        nav = list(nav.values())
    if isinstance(nav, list):
        return [path for item in nav for path in _nav_paths(item)]
    return []


def data_dir_of(root: Path) -> Path:
    """The data folder the build reads (the plugin's data_dir), data/ when mkdocs.yml is
    broken: check reports that anyway."""
    config, _ = load_mkdocs_config(root)
    plugin = config.plugins.get("explainer") if config is not None else None
    return root / (plugin.config.data_dir if plugin is not None else "data")
