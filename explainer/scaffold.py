"""`new`: a fresh explainer project that builds and passes `check --strict` at once.

The new project copies the overrides folder and any local assets of the bundled
project beside this package (the plugin brings its own templates), derives its
mkdocs.yml from the bundled one, and holds one placeholder fact of each kind that the
first section's worked examples refer to.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from .data_files import schema_comment
from .diagnostics import short
from .kinds import KINDS
from .markup import markdown_text
from .models import MAX_SHORT_TEXT
from .project import generated_page_urls
from .schemas import write_schemas
from .store import Dataset

# The tool's repository: the bundled project lives beside the package.
TOOL_ROOT = Path(__file__).resolve().parent.parent
CONFIG_FILE = "mkdocs.yml"
# Folders of a project that a new project must never be created inside.
PROJECT_PARTS = ("content", "data", "overrides", "schemas", "site", ".cache", ".git")
# Line breaks (U+2028/U+2029 too), C0 and C1 controls, DEL, surrogates and non-characters:
# none has a place in a one-line title, and some would end a YAML or Markdown line.
_NOT_IN_TITLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
GITIGNORE = """\
# What a build and the preview write; rebuilt from the sources at any time.
site/
.site-*/
.cache/
.venv/
__pycache__/
"""
SITE_DESCRIPTION = ("A data-driven explainer: who is involved, what they said, where each "
                    "side stands, and what is still unknown.")
EDITORS = "The editors"


class ScaffoldError(Exception):
    """`new` cannot go on; the message is one line for the editor."""


@dataclass
class _Created:
    """What `new` has made so far, so a failure can remove exactly that."""

    folder: Path | None = None  # the outermost folder made, when DIR did not exist
    entries: list[Path] = field(default_factory=list)  # top-level entries inside DIR

    def undo(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        for entry in self.entries:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


# -- the command ----------------------------------------------------------------------


def run_new(target: Path, title: str | None) -> int:
    """`build.py new DIR [--title ...]`: 0 when the project was created, else 1."""
    try:
        folder, written = create_project(target, title)
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for line in _report(folder, written):
        print(line, file=sys.stderr)  # as every command reports: stderr escapes what it must
    return 0


def create_project(target: Path, title: str | None, *, tool_root: Path = TOOL_ROOT,
                   today: date | None = None) -> tuple[Path, list[Path]]:
    """Create the project at `target`; (its absolute path, the files written)."""
    folder = target.expanduser().resolve()
    title = check_title(title if title is not None else default_title(folder.name))
    _check_bundled(tool_root)
    bundled = _read_config(tool_root / CONFIG_FILE)
    config = config_text(bundled, title, folder.name)
    _check_target(folder)
    created = _Created()
    try:
        created.folder = _make_folder(folder)
        written = _populate(folder, bundled, config, title, tool_root,
                            today or date.today(), created)
    except BaseException as exc:
        created.undo()  # a half-made project would fail in confusing ways later
        if isinstance(exc, OSError):
            raise ScaffoldError(f"cannot create {folder}: {exc.strerror or exc}; "
                                "nothing was left behind") from None
        raise
    return folder, written


def default_title(name: str) -> str:
    """The folder name as a title: 'alaska-summit' -> 'Alaska Summit'."""
    words = [word for word in re.split(r"[-_\s.]+", name) if word]
    return " ".join(word[:1].upper() + word[1:] for word in words) or "Explainer"


def check_title(title: str) -> str:
    """The title, if it is one line of plain text of a sensible length."""
    if _NOT_IN_TITLE.search(title):
        raise ScaffoldError(f"the title '{short(title)}' holds a line break or control "
                            "character; give it on one line of plain text")
    if not title.strip():
        raise ScaffoldError("the title is empty; give one with --title")
    if len(title) > MAX_SHORT_TEXT:
        raise ScaffoldError(f"the title is {len(title):,} characters long, over the "
                            f"{MAX_SHORT_TEXT}-character limit; shorten it")
    return title.strip()


# -- where it may go ---------------------------------------------------------------------


def _check_bundled(tool_root: Path) -> None:
    needed = [tool_root / CONFIG_FILE, tool_root / "overrides", tool_root / "content"]
    missing = [path for path in needed if not path.exists()]
    if missing:
        raise ScaffoldError(f"the bundled project is not beside the explainer package "
                            f"({missing[0]} is missing); run `new` from a clone of the "
                            "explainer repository")


def _check_target(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder} exists and is not a folder; choose a new or empty "
                            "folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise ScaffoldError(f"{folder} is not empty; choose a new or empty folder "
                            "(nothing was written)")
    for ancestor in folder.parents:
        if not (ancestor / CONFIG_FILE).is_file():
            continue
        for part in PROJECT_PARTS:
            inside = ancestor / part
            if folder == inside or inside in folder.parents:
                raise ScaffoldError(f"{folder} lies inside {part}/ of the project at "
                                    f"{ancestor}; choose a folder outside it")


def _make_folder(folder: Path) -> Path | None:
    """Make `folder` and any missing parents; the outermost one made, or None."""
    missing = [path for path in [folder, *folder.parents] if not path.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return missing[-1] if missing else None


# -- what goes in it ---------------------------------------------------------------------


def _populate(folder: Path, bundled: dict, config: str, title: str, tool_root: Path,
              today: date, created: _Created) -> list[Path]:
    files = [(CONFIG_FILE, config), (".gitignore", GITIGNORE)]
    folders: list[tuple[str, Callable[[Path], list[Path]]]] = [
        ("overrides", lambda path: _copy_tree(tool_root / "overrides", path)),
        ("content", lambda path: _content(path, bundled, title, tool_root)),
        ("data", lambda path: _data(path, today)),
        ("schemas", lambda path: write_schemas(folder)),
    ]
    written: list[Path] = []
    for name, text in files:
        written.append(_write(folder / name, text))
        created.entries.append(folder / name)
    for name, fill in folders:
        path = folder / name
        path.mkdir()  # fails if it appeared meanwhile: undo only ever removes our own
        created.entries.append(path)
        written += fill(path)
    return written


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as file:  # "x": never overwrite
        try:
            file.write(text)
        except BaseException:
            path.unlink(missing_ok=True)  # ours: opened with "x" above
            raise
    return path


def _copy_tree(source: Path, target: Path) -> list[Path]:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"),
                    dirs_exist_ok=True)  # `target` is the empty folder just made
    return sorted(path for path in target.rglob("*") if path.is_file())


def _content(folder: Path, bundled: dict, title: str, tool_root: Path) -> list[Path]:
    written = [_write(folder / "index.md", index_markdown(title))]
    docs = tool_root / str(bundled.get("docs_dir") or "content")
    for asset in _local_assets(bundled):
        source = docs / asset
        if not source.is_file():
            raise ScaffoldError(f"the bundled project names {asset} in {CONFIG_FILE}, but "
                                f"{source} is missing")
        target = folder / asset
        target.parent.mkdir(parents=True, exist_ok=True)
        written.append(Path(shutil.copy2(source, target)))
    return written


def _local_assets(config: dict) -> list[str]:
    """The CSS and JavaScript files the site loads from its own content folder."""
    assets = [*(config.get("extra_css") or []), *(config.get("extra_javascript") or [])]
    return [str(asset) for asset in assets
            if isinstance(asset, str) and "://" not in asset and not asset.startswith("/")]


def _data(folder: Path, today: date) -> list[Path]:
    texts = data_texts(today)
    return [_write(folder / f"{kind}.yaml", texts[kind]) for kind in KINDS]


def _report(folder: Path, written: list[Path]) -> list[str]:
    """What was made, and the commands that work from anywhere (the project named by its
    absolute path)."""
    groups: dict[str, int] = {}
    for path in written:
        parts = path.relative_to(folder).parts
        key = parts[0] if len(parts) == 1 else f"{parts[0]}/"
        groups[key] = groups.get(key, 0) + 1
    made = ", ".join(f"{key} ({count} files)" if key.endswith("/") else key
                     for key, count in groups.items())
    root = _shell(folder)
    return [
        f"created {folder}: {made}",
        "next steps:",
        f"  1. cd {root}   (edit data/*.yaml and content/index.md there)",
        f"  2. {_tool_command()} --root {root} serve   (preview on http://127.0.0.1:8000/)",
        "     `check --strict` and `build` take the same --root",
    ]


def _tool_command() -> str:
    build = TOOL_ROOT / "build.py"
    if build.is_file():
        return f"python3 {_shell(build)}"
    return f"{_shell(Path(sys.executable))} -m explainer.cli"


def _shell(path: Path) -> str:
    """A path as one shell word."""
    text = str(path)
    if re.fullmatch(r"[A-Za-z0-9_./+,:@%=-]+", text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"


# -- mkdocs.yml ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tagged:
    """A value MkDocs resolves by its tag (`!ENV [SITE_URL, ...]`), kept as written."""

    tag: str
    value: Any


class _Quoted(str):
    """Text written in double quotes, so no title can read as another YAML value."""


class _ConfigLoader(yaml.SafeLoader):
    pass


class _ConfigDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Lists indented under their key, as the bundled mkdocs.yml writes them.
        return super().increase_indent(flow, False)


def _construct_tagged(loader: yaml.SafeLoader, suffix: str,
                      node: yaml.ScalarNode | yaml.SequenceNode | yaml.MappingNode) -> Tagged:
    if isinstance(node, yaml.SequenceNode):
        return Tagged("!" + suffix, loader.construct_sequence(node, deep=True))
    if isinstance(node, yaml.MappingNode):
        return Tagged("!" + suffix, loader.construct_mapping(node, deep=True))
    return Tagged("!" + suffix, loader.construct_scalar(node))


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value, flow_style=True)
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    return dumper.represent_scalar(data.tag, str(data.value))


def _represent_quoted(dumper: yaml.SafeDumper, data: _Quoted) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style='"')


_ConfigLoader.add_multi_constructor("!", _construct_tagged)
_ConfigDumper.add_representer(Tagged, _represent_tagged)
_ConfigDumper.add_representer(_Quoted, _represent_quoted)


def _read_config(path: Path) -> dict:
    try:
        # A SafeLoader that also keeps MkDocs' tags as data: it builds no objects.
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ScaffoldError(f"cannot read the bundled {path}: {' '.join(str(exc).split())}"
                            ) from None
    if not isinstance(config, dict):
        raise ScaffoldError(f"the bundled {path} is not a mapping of settings")
    return config


def config_settings(bundled: dict, title: str, folder_name: str) -> dict:
    """The bundled settings with this project's name, address, editors and nav."""
    config = dict(bundled)
    config.update(
        site_name=_Quoted(title),
        site_description=SITE_DESCRIPTION,
        site_author=EDITORS,
        site_url=Tagged("!ENV", ["SITE_URL", _url_segment(folder_name)]),
        docs_dir="content",
        site_dir="site",
        plugins=[_plugin_settings(plugin) for plugin in bundled.get("plugins") or []],
        nav=_nav(bundled.get("nav") or []),
    )
    config["theme"] = {**(bundled.get("theme") or {}), "custom_dir": "overrides"}
    return config


def _url_segment(name: str) -> str:
    # surrogateescape: a folder name that is not UTF-8 keeps its own bytes.
    return f"https://example.org/{quote(name, safe='', errors='surrogateescape')}/"


def _plugin_settings(plugin: Any) -> Any:
    """The explainer plugin's settings without the bundled story's editors, event and wording."""
    if not (isinstance(plugin, dict) and isinstance(plugin.get("explainer"), dict)):
        return plugin
    settings = {key: value for key, value in plugin["explainer"].items()
                if key not in ("about", "intros", "data_dir", "templates_dir", "cache_dir")}
    return {"explainer": {**settings, "author": EDITORS, "publisher": EDITORS}}


def _nav(bundled_nav: list) -> list:
    """The home page, then the generated pages in the bundled order and wording."""
    generated = generated_page_urls(Dataset())
    home = next((entry for entry in bundled_nav if _nav_target(entry) == "index.md"),
                {"Overview": "index.md"})
    pages = [entry for entry in bundled_nav
             if (_nav_target(entry) or "").removesuffix("index.md") in generated]
    return [home, *pages]


def _nav_target(entry: Any) -> str | None:
    """The file of a one-page nav entry ({'Who's who': 'actors/index.md'}), else None."""
    if isinstance(entry, dict) and len(entry) == 1:
        target = next(iter(entry.values()))
        if isinstance(target, str) and target.endswith("index.md"):
            return target
    return None


def config_text(bundled: dict, title: str, folder_name: str) -> str:
    settings = config_settings(bundled, title, folder_name)
    text = yaml.dump(settings, Dumper=_ConfigDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=88)
    # The title must come back as itself and add no setting: nothing typed can inject.
    again = yaml.load(text, Loader=_ConfigLoader)
    if again.get("site_name") != title or list(again) != list(settings):
        raise ScaffoldError("the title cannot be written into mkdocs.yml safely; simplify it")
    return ("# Site settings. Set SITE_URL when publishing: canonical links, the sitemap,\n"
            "# the feed and social cards are built from it.\n" + text)


# -- the first section and its example facts -------------------------------------------


def heading_text(title: str) -> str:
    """The title as Markdown that renders as exactly that text. Quotes become character
    references too, or the site's smarty extension would curl them."""
    return markdown_text(title).replace('"', "&quot;").replace("'", "&#x27;")


def index_markdown(title: str) -> str:
    return f"""\
---
description: The first section of this explainer, with an example of each data reference.
---

# {heading_text(title)}

This is the first section of your explainer. Its facts live in `data/`, one YAML file per
kind, and this page pulls them in by id, so each fact is written once. Everything here is
an example: replace the entries whose ids start with `example-` with your own facts, then
rewrite this page around your story. Add more sections as Markdown files beside this one
and list them under `nav:` in `mkdocs.yml`.

## Links to facts

A reference inside a sentence becomes a link to the fact's page or entry:

- `[[actor:example-person]]` links to an actor: [[actor:example-person]].
- `[[issue:example-issue]]` links to an issue: [[issue:example-issue]].
- `[[question:example-question]]` links to a question: [[question:example-question]]
- `[[event:example-event|the example event]]` links to an event, with your own words:
  [[event:example-event|the example event]].
- `[[source:example-source]]` links to a source: [[source:example-source]].

## Blocks

A block stands on a line of its own.

`[[quote:example-quote]]` shows a quote card, with the speaker and the source:

[[quote:example-quote]]

`[[stances:example-issue]]` shows where each actor stands on an issue:

[[stances:example-issue]]

`[[questions:example-question]]` lists questions (separate several ids with commas):

[[questions:example-question]]

`[[events:example-event]]` shows a short timeline (several ids, separated by commas):

[[events:example-event]]
"""


_DATA: dict[str, str] = {
    "sources": """\
- id: example-source
  title: Replace with your first source
  publisher: Example Publisher
  url: https://example.org/
  kind: article
  note: >-
    A placeholder. Replace it with the first article, report or transcript your
    explainer cites, and give its real title, publisher and address.
  as_of: "{today}"
""",
    "actors": """\
- id: example-person
  name: Example Person
  kind: person
  role: An example role
  summary: >-
    A placeholder actor. Replace it with a person, institution, state or group your
    story is about.
  sources: [example-source]
  as_of: "{today}"
""",
    "issues": """\
- id: example-issue
  title: An example issue
  summary: >-
    A placeholder issue. Replace it with a matter on which the actors take positions.
  sources: [example-source]
  as_of: "{today}"
""",
    "positions": """\
- actor: example-person
  issue: example-issue
  stance: unclear
  summary: >-
    A placeholder position. Say where the actor stands on the issue, and cite the
    source that says so.
  quotes: [example-quote]
  sources: [example-source]
  as_of: "{today}"
""",
    "quotes": """\
- id: example-quote
  actor: example-person
  text: Replace this with words the person said, exactly as the source gives them
  context: >-
    A placeholder quote. Say where and when it was said.
  event: example-event
  source: example-source
  as_of: "{today}"
""",
    "questions": """\
- id: example-question
  question: What is still unknown about the example issue?
  status: open
  known:
    - A placeholder. List what the sources establish.
  unknown:
    - A placeholder. List what nobody has confirmed yet.
  would_resolve:
    - A placeholder. Say what would settle the question.
  actors: [example-person]
  issues: [example-issue]
  sources: [example-source]
  as_of: "{today}"
""",
    "events": """\
- id: example-event
  start: "{today}"
  title: An example event
  summary: >-
    A placeholder event. Replace it with something that happened, and give its date,
    or its time with the UTC offset, e.g. 2025-08-15T11:00-08:00.
  place: Example Place
  actors: [example-person]
  sources: [example-source]
  as_of: "{today}"
""",
    "updates": """\
- id: first-publication
  date: "{today}"
  kind: addition
  summary: First publication.
  as_of: "{today}"
""",
}


def data_texts(today: date) -> dict[str, str]:
    """File stem -> the text of data/<kind>.yaml, with the schema line editors read."""
    return {kind: schema_comment(kind) + _DATA.get(kind, "[]\n").format(today=today.isoformat())
            for kind in KINDS}
