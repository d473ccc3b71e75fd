#!/usr/bin/env python3
"""Benchmark projects: the bundled story, copied until it has the actors asked for.

    python3 bench/generate.py --actors 10 100 1000 --out /tmp/bench-projects

writes one complete project folder per size (`<out>/actors-<N>/`): a copy of the bundled
project whose data/*.yaml hold the bundled entries once per copy, in as many copies as
it takes to reach N actors (with 17 bundled actors: 1, 6 and 59 copies). Each copy
suffixes every entity's key and every reference to it (`putin` -> `putin-002`, and
`actor:putin` -> `actor:putin-002` in the change log); the sections in content/ refer to
the first copy. Every such folder passes `explainer.cli --root <folder> check --strict`
with 0 errors and 0 warnings.

`--split` writes each kind as a folder instead, one file per copy
(`data/actors/copy-001.yaml`, `data/actors/copy-002.yaml`...): the same entries in the
same order, so the site built from it is the same, byte for byte.

Which fields are keys and references comes from the registry (explainer.kinds), so a new
kind is copied with no change here. Each copy is a closed island of the bundled story:
every entity has the same neighbours at every size, so per-page work and page size do
not depend on the size of the data set (the suffixes have one width for that reason).
The data loader refuses files over 1 MiB (explainer.yaml_source.MAX_BYTES): a size whose
files would pass it stops with an error (with `--split`, only a copy's file counts).
`--seed` is recorded, for the results; the copies do not depend on it.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import sys
from pathlib import Path
from typing import Any, get_args

from venv_python import reexec_in_venv

REPO = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    reexec_in_venv("yaml", "pydantic", "markdown", "explainer")

import yaml  # noqa: E402

from explainer.data_files import schema_comment  # noqa: E402
from explainer.kinds import BY_SINGULAR, KINDS, Kind  # noqa: E402
from explainer.localsite import PROJECT_PARTS, copy_project  # noqa: E402
from explainer.models import FactRef  # noqa: E402
from explainer.references import Reference, find_references  # noqa: E402
from explainer.yaml_source import MAX_BYTES, load_yaml_bytes  # noqa: E402

MARKER = ".bench-generated"
SIZE_KIND = "actors"  # what --actors counts
SUFFIX_DIGITS = 3
FIRST_COPY = 1

Entry = dict[str, Any]
Data = dict[str, list[Entry]]  # kind name -> its entries, as read from YAML


# -- the bundled data, copied ------------------------------------------------------------


def read_data(repo: Path) -> Data:
    """The entries of every kind that has a data file in `repo`, as the explainer reads
    them (dates stay text)."""
    paths = {name: repo / "data" / f"{name}.yaml" for name in KINDS}
    return {name: read_entries(path) for name, path in paths.items() if path.exists()}


def read_entries(path: Path) -> list[Entry]:
    loaded = load_yaml_bytes(path.read_bytes(), f"data/{path.name}")
    if loaded.diagnostics:
        raise SystemExit(f"generate.py: {loaded.diagnostics[0].as_text()}")
    return loaded.value or []


def suffixed(key: str, copy: int) -> str:
    """The key, in copy number `copy`, of the entity `key` names in the bundled data."""
    return f"{key}-{copy:0{SUFFIX_DIGITS}d}"


def fact_fields(kind: Kind) -> list[str]:
    """Fields that name facts as 'singular:key' (an update's `touches`)."""
    return [name for name, info in kind.model.model_fields.items()
            if FactRef in get_args(info.annotation)]


def copied_entry(kind: Kind, entry: Entry, copy: int) -> Entry:
    """`entry` with its id and every id in its reference fields suffixed for `copy`.
    (A kind without an id, a position, is keyed by its references.)"""
    copied = dict(entry)
    for field in ("id", *kind.reference_fields()):
        value = entry.get(field)
        if isinstance(value, str):
            copied[field] = suffixed(value, copy)
        elif isinstance(value, list):
            copied[field] = [suffixed(item, copy) for item in value]
    return copied


def renamed_keys(kind: Kind, before: list[Entry], after: list[Entry]) -> dict[str, str]:
    """Bundled key -> key in the copy, for each entity of `kind`."""
    pairs = ((kind.model.raw_key(old), kind.model.raw_key(new))
             for old, new in zip(before, after, strict=True))
    return {old: new for old, new in pairs if old is not None and new is not None}


def renamed_fact(fact: str, keys: dict[str, dict[str, str]]) -> str:
    """A 'singular:key' fact name, naming the same fact in the copy."""
    singular, _, key = fact.partition(":")
    kind = BY_SINGULAR.get(singular)
    if kind is None or key not in keys.get(kind.name, {}):
        return fact  # names nothing in the bundled data: `check` reports it as it is
    return f"{singular}:{keys[kind.name][key]}"


def with_facts_renamed(kind: Kind, entry: Entry, keys: dict[str, dict[str, str]]) -> Entry:
    renamed = dict(entry)
    for field in fact_fields(kind):
        if isinstance(entry.get(field), list):
            renamed[field] = [renamed_fact(fact, keys) for fact in entry[field]]
    return renamed


def copy_of(data: Data, copy: int) -> Data:
    """Copy number `copy` of the data: every key, reference and fact name suffixed."""
    copied = {name: [copied_entry(KINDS[name], entry, copy) for entry in entries]
              for name, entries in data.items()}
    keys = {name: renamed_keys(KINDS[name], data[name], copied[name]) for name in data}
    return {name: [with_facts_renamed(KINDS[name], entry, keys) for entry in entries]
            for name, entries in copied.items()}


def multiplied(data: Data, copies: int) -> Data:
    """`copies` copies of the data, one after another in each file."""
    result: Data = {name: [] for name in data}
    for copy in range(FIRST_COPY, FIRST_COPY + copies):
        for name, entries in copy_of(data, copy).items():
            result[name].extend(entries)
    return result


def copies_for(actors: int, bundled: Data) -> int:
    """How many copies of the bundled data hold at least `actors` actors."""
    per_copy = len(bundled.get(SIZE_KIND, []))
    if per_copy == 0:
        raise SystemExit(f"generate.py: the bundled data has no {SIZE_KIND} to copy")
    return max(1, math.ceil(actors / per_copy))


# -- writing it ----------------------------------------------------------------------------


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block mappings, lists of ids in flow style (`sources: [a, b]`) as in data/."""

    # Never anchors and aliases, which the loader rejects (copies share their lists).
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    short = all(isinstance(item, str) and len(item) < 40 for item in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=short)


_Dumper.add_representer(list, _represent_list)


def dump(kind: str, entries: list[Entry], depth: int = 0) -> str:
    """A data file `depth` folders below data/: its schema comment, then the entries with
    a blank line between."""
    parts = [yaml.dump([entry], Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                       width=88, default_flow_style=False)
             for entry in entries]
    return schema_comment(kind, depth) + "\n".join(parts)


def copy_file(copy: int) -> str:
    """The file of copy number `copy` in a kind's folder (--split)."""
    return f"copy-{copy:0{SUFFIX_DIGITS}d}.yaml"


def data_files(bundled: Data, copies: int, split: bool = False) -> dict[str, str]:
    """Path in data/ -> text: each kind's file holding every copy, or with `split` each
    kind's folder of one file per copy. Stops, before anything is written, if a file
    would be over the loader's size limit."""
    if split:
        files = {f"{name}/{copy_file(copy)}": dump(name, entries, depth=1)
                 for copy in range(FIRST_COPY, FIRST_COPY + copies)
                 for name, entries in copy_of(bundled, copy).items()}
    else:
        files = {f"{name}.yaml": dump(name, entries)
                 for name, entries in multiplied(bundled, copies).items()}
    for path, text in files.items():
        size = len(text.encode("utf-8"))
        if size > MAX_BYTES:
            raise SystemExit(f"generate.py: data/{path} would be {size:,} bytes, over "
                             f"the loader's {MAX_BYTES:,}-byte limit; ask for fewer actors"
                             + ("" if split else " or write each kind as a folder (--split)"))
    return files


def in_copy(reference: Reference, copy: int) -> str:
    """The reference, naming the same entities in copy number `copy`."""
    ids = ",".join(suffixed(entity_id, copy) for entity_id in reference.ids)
    label = f"|{reference.label}" if reference.label else ""
    return f"[[{reference.kind}:{ids}{label}]]"


def pointed_into(markdown: str, copy: int) -> str:
    """The Markdown with each of its references naming the entities of copy `copy`; the
    syntax shown as code is left as it is."""
    lines = markdown.split("\n")
    for reference in reversed(find_references(markdown)):  # last first: offsets stay true
        if reference.problem is None:
            line = lines[reference.line - 1]
            lines[reference.line - 1] = (line[:reference.start] + in_copy(reference, copy)
                                         + line[reference.end:])
    return "\n".join(lines)


def write_content(content_dir: Path) -> None:
    for page in sorted(content_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        page.write_text(pointed_into(text, FIRST_COPY), encoding="utf-8")


def emptied(out: Path) -> None:
    """Remove an earlier project from `out`, never a folder this script did not write."""
    if out.exists():
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise SystemExit(f"generate.py: {out} is not empty and was not written by "
                             "generate.py; refusing to delete it")
        shutil.rmtree(out)


def generate(out: Path, actors: int, seed: int = 1, repo: Path = REPO,
             overrides: Path | None = None, split: bool = False) -> dict:
    """Write one project of at least `actors` actors into `out` (emptied first if it
    holds an earlier one); its templates are a copy of `overrides` (default: the
    repository's overrides/). `split`: each kind a folder of one file per copy."""
    bundled = read_data(repo)
    copies = copies_for(actors, bundled)
    files = data_files(bundled, copies, split)
    emptied(out)
    copy_project(repo, out, parts=[part for part in PROJECT_PARTS
                                   if part not in ("overrides", "data")])
    shutil.copytree(overrides or repo / "overrides", out / "overrides")
    for path, text in files.items():
        target = out / "data" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    write_content(out / "content")
    info = {"actors": actors, "seed": seed, "copies": copies, "split": split,
            "counts": {name: len(entries) * copies for name, entries in bundled.items()},
            "data_bytes": {name: sum(len(text.encode("utf-8")) for path, text in files.items()
                                     if path.split("/")[0].removesuffix(".yaml") == name)
                           for name in bundled}}
    (out / MARKER).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actors", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--out", type=Path, default=Path("/tmp/explainer-bench-projects"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--split", action="store_true",
                        help="write each kind as a folder data/<kind>/ of one file per copy")
    args = parser.parse_args(argv)
    for n in args.actors:
        target = args.out / f"actors-{n}"
        info = generate(target, n, args.seed, split=args.split)
        counts = ", ".join(f"{v} {k}" for k, v in info["counts"].items())
        copies = f"{info['copies']} {'copy' if info['copies'] == 1 else 'copies'}"
        print(f"{target}: {counts} ({copies} of the bundled data)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
