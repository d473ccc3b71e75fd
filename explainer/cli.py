"""The command line behind build.py: check, build, serve, changes, test."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn, overload

from .diagnostics import Diagnostic, apply_strict, count_line, print_diagnostics, short

ROOT = Path.cwd()
# build.py runs the command line from its own folder; relative paths an editor types
# (--root, --site-dir, new DIR) mean the folder they typed them in.
CALLER_DIR = Path(os.environ.get("EXPLAINER_CALLER_DIR") or ROOT)


@overload
def from_caller(path: Path) -> Path: ...
@overload
def from_caller(path: None) -> None: ...
def from_caller(path: Path | None) -> Path | None:
    if path is None or path.is_absolute():
        return path
    return CALLER_DIR / path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__)
    parser.add_argument("--root", type=Path, default=None,
                        help="project folder (default: the current folder)")
    commands = parser.add_subparsers(dest="command")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--strict", action="store_true", help="treat warnings as errors")
        sub.add_argument("--format", choices=("text", "github"), default="text",
                         help="'github' prints GitHub Actions annotations")

    check = commands.add_parser("check", help="validate data and content, write nothing")
    common(check)
    check.add_argument(
        "--since", metavar="REV", default=None,
        help="also fail (exit 1) when a fact published at git revision REV changed in "
             "substance or was removed with no entry in data/updates.yaml, added since REV, "
             "that touches it; exit 2 when REV cannot be read (no git repository, unknown "
             "revision)")
    build = commands.add_parser("build", help="validate and build the site into site/")
    common(build)
    build.add_argument("--site-dir", type=Path, default=None, help="output folder (site/)")
    serve = commands.add_parser("serve", help="live preview with reload")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000")
    commands.add_parser("schemas", help="regenerate schemas/ from the models")
    changes = commands.add_parser(
        "changes", help="list the facts changed since a git revision; --draft appends an "
                        "entry for them to data/updates.yaml")
    changes.add_argument("--since", metavar="REV", default=None,
                         help="git revision to compare with (default: HEAD); exit 2 when it "
                              "cannot be read")
    changes.add_argument("--draft", action="store_true",
                         help="append a ready-to-edit entry touching every added, changed "
                              "and removed fact to data/updates.yaml")
    commands.add_parser("test", help="run the whole test suite (pytest arguments follow)")
    new = commands.add_parser(
        "new", help="create a new explainer project in DIR that builds and passes "
                    "check --strict at once")
    new.add_argument("dir", type=Path, metavar="DIR", help="a new or empty folder")
    new.add_argument("--title", default=None,
                     help="the explainer's title, plain text on one line (default: the "
                          "folder name in title case)")
    return parser


def _since_problem(since: str, reason: str) -> int:
    print(f"error: --since {short(since)}: {reason}", file=sys.stderr)
    return 2


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """`check` reads the data once and ends: what it makes is freed by reference counting,
    and the cycle collector would only walk the parsed data again and again (about a tenth
    of a check of 1,000 actors). Restored after, for callers in a longer process."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_check(root: Path, strict: bool, fmt: str, since: str | None = None) -> int:
    with cycle_collector_paused():
        return _check(root, strict, fmt, since)


def _check(root: Path, strict: bool, fmt: str, since: str | None) -> int:
    from .project import check_project

    started = time.perf_counter()
    gated: list[Diagnostic] = []
    if since is not None:
        from .gate import RevisionError, compare, gate_diagnostics

        try:
            gated = gate_diagnostics(compare(root, since))
        except RevisionError as exc:
            return _since_problem(since, str(exc))
    report = check_project(root)
    diagnostics = apply_strict([*report.diagnostics, *gated], strict)
    # A reader that went away (`check | head`) gets no more; the status still says how
    # the check went.
    with contextlib.suppress(BrokenPipeError):
        print_diagnostics(diagnostics, fmt)
        elapsed = time.perf_counter() - started
        print(report.summary_line(), file=sys.stderr)
        print(report.coverage_line(), file=sys.stderr)
        print(f"{count_line(diagnostics)} ({elapsed * 1000:.0f} ms)", file=sys.stderr)
    return 1 if any(d.severity == "error" for d in diagnostics) else 0


def run_changes(root: Path, since: str | None, write_draft: bool) -> int:
    from .files import shown_name
    from .gate import (
        DEFAULT_SINCE,
        DraftError,
        RevisionError,
        append_draft,
        change_lines,
        compare,
        draft,
    )

    since = since or DEFAULT_SINCE
    try:
        comparison = compare(root, since)
    except RevisionError as exc:
        return _since_problem(since, str(exc))
    if not write_draft:
        for line in change_lines(comparison):
            print(line, file=sys.stderr)
        count = len(comparison.changes)
        print(f"{count} changed {'fact' if count == 1 else 'facts'} since {since}",
              file=sys.stderr)
        return 0
    entry = draft(comparison)
    if entry is None:
        print(f"no fact changed since {since} that needs a new entry; nothing written",
              file=sys.stderr)
        return 0
    target = shown_name(comparison.draft_path(), root)
    try:
        written = append_draft(comparison, entry)
    except DraftError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"appended to {target} (say what changed in its summary):", file=sys.stderr)
    print(written, end="", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _run(argv: list[str]) -> int:
    if argv[:1] == ["test"]:
        from .testing import run_tests

        return run_tests(argv[1:])
    args = _parser().parse_args(argv)
    root = (from_caller(args.root) or ROOT).resolve()
    command = args.command or "build"
    if command == "check":
        return run_check(root, args.strict, args.format, args.since)
    if command == "changes":
        return run_changes(root, args.since, args.draft)
    if command == "build":
        from .site_build import build_site

        return build_site(root, strict=getattr(args, "strict", False),
                          fmt=getattr(args, "format", "text"),
                          site_dir=from_caller(getattr(args, "site_dir", None)))
    if command == "schemas":
        from .schemas import write_schemas

        for path in write_schemas(root):
            print(f"wrote {path.relative_to(root)}", file=sys.stderr)
        return 0
    if command == "serve":
        from .site_build import serve_site

        return serve_site(root, args.dev_addr)
    if command == "new":
        from .scaffold import run_new

        return run_new(from_caller(args.dir), args.title)
    return 2


def program() -> NoReturn:
    """The command line as a process of its own. `check` writes nothing, so once its
    report is out the process ends at once: the interpreter would otherwise free every
    fact and module one by one, a fifth of a check of 1,000 actors."""
    argv = sys.argv[1:]
    code = main(argv)
    if _parser().parse_known_args(argv)[0].command == "check":
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: started with the stream closed
                with contextlib.suppress(OSError):  # a reader that went away
                    stream.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    program()
