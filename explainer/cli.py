"""The command line behind build.py: check, build, serve, test."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .diagnostics import Diagnostic, apply_strict, count_line

ROOT = Path.cwd()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__)
    parser.add_argument("--root", type=Path, default=None,
                        help="project folder (default: the current folder)")
    commands = parser.add_subparsers(dest="command")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--strict", action="store_true", help="treat warnings as errors")
        sub.add_argument("--format", choices=("text", "github"), default="text",
                         help="'github' prints GitHub Actions annotations")

    common(commands.add_parser("check", help="validate data and content, write nothing"))
    build = commands.add_parser("build", help="validate and build the site into site/")
    common(build)
    build.add_argument("--site-dir", type=Path, default=None, help="output folder (site/)")
    serve = commands.add_parser("serve", help="live preview with reload")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000")
    commands.add_parser("schemas", help="regenerate schemas/ from the models")
    commands.add_parser("test", help="run the whole test suite (pytest arguments follow)")
    return parser


def print_diagnostics(diagnostics: list[Diagnostic], fmt: str = "text") -> None:
    for diagnostic in diagnostics:
        print(diagnostic.as_github() if fmt == "github" else diagnostic.as_text(),
              file=sys.stderr)


def run_check(root: Path, strict: bool, fmt: str) -> int:
    from .project import check_project

    started = time.perf_counter()
    report = check_project(root)
    diagnostics = apply_strict(report.diagnostics, strict)
    print_diagnostics(diagnostics, fmt)
    elapsed = time.perf_counter() - started
    print(report.summary_line(), file=sys.stderr)
    print(report.coverage_line(), file=sys.stderr)
    print(f"{count_line(diagnostics)} ({elapsed * 1000:.0f} ms)", file=sys.stderr)
    return 1 if any(d.severity == "error" for d in diagnostics) else 0


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
    root = (args.root or ROOT).resolve()
    command = args.command or "build"
    if command == "check":
        return run_check(root, args.strict, args.format)
    if command == "build":
        from .site_build import build_site

        return build_site(root, strict=getattr(args, "strict", False),
                          fmt=getattr(args, "format", "text"),
                          site_dir=getattr(args, "site_dir", None))
    if command == "schemas":
        from .schemas import write_schemas

        for path in write_schemas(root):
            print(f"wrote {path.relative_to(root)}", file=sys.stderr)
        return 0
    if command == "serve":
        from .site_build import serve_site

        return serve_site(root, args.dev_addr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
