#!/usr/bin/env python3
"""Profile one build with pyinstrument and list where our code spends the time.

    python3 bench/profile_build.py --actors 1000            # generated project, our build
    python3 bench/profile_build.py --bundled                # a copy of the bundled site
    python3 bench/profile_build.py --actors 1000 --check    # check_project() instead of a build
    python3 bench/profile_build.py --actors 1000 --package /tmp/scratch   # a patched copy of
                                                      # explainer/ (its parent folder)

The build runs in this process (mkdocs.commands.build.build on the project's mkdocs.yml,
as `mkdocs build` does) after one unprofiled pass over the plugin's on_files (which fills
the social-card cache, so the profile shows a rebuild as an editor gets it). Writes
bench/results/profile-<name>.txt and .html (pyinstrument's own reports) and prints:

- our functions and templates (explainer/*.py, overrides/**/*.html) by self time and by
  inclusive time (recursion counted once);
- the libraries' functions by self time;
- how often a few per-item helpers ran (render_markdown, urls.relative), with --count.

With --hooks it profiles nothing: it runs the build --reps times and prints, per build,
the time spent inside each of the explainer plugin's event handlers (on_config,
on_files, on_page_markdown, on_page_context, ...) against the whole build: the
plugin's own share, free of sampling overhead.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from venv_python import reexec_in_venv

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"


def ours(path: str) -> bool:
    """explainer/*.py and the project's templates (overrides/), not the libraries'."""
    return "/overrides/" in path or ("/explainer/" in path and "site-packages" not in path)


def aggregate(root) -> tuple[dict, dict]:
    """(function, file, line) -> self seconds; -> inclusive seconds (once per stack)."""
    self_time: dict[tuple, float] = defaultdict(float)
    inclusive: dict[tuple, float] = defaultdict(float)
    stack: list = [(root, frozenset())]
    while stack:
        frame, above = stack.pop()
        if frame.is_synthetic:
            continue
        key = (frame.function, frame.file_path or "", frame.line_no or 0)
        self_time[key] += frame.total_self_time
        if key not in above:
            inclusive[key] += frame.time
        below = above | {key}
        stack.extend((child, below) for child in frame.children)
    return self_time, inclusive


def short(key: tuple) -> str:
    function, path, line = key
    for marker in ("/site-packages/", "/overrides/", "/explainer/"):
        if marker in path:
            path = (marker.strip("/") + "/" if marker != "/site-packages/" else "") + \
                path.split(marker, 1)[1]
            break
    return f"{function}  {path}:{line}"


def install_counters() -> dict[str, dict]:
    import explainer.render.templates as templates

    counts: dict[str, dict] = {}

    def counted(module, name: str):
        original = getattr(module, name)
        record = counts.setdefault(f"{module.__name__}.{name}", {"calls": 0, "distinct": set()})

        def wrapper(*args, **kwargs):
            record["calls"] += 1
            record["distinct"].add(args[:2])
            return original(*args, **kwargs)

        setattr(module, name, wrapper)

    counted(templates, "render_markdown")
    counted(templates, "relative")
    return counts


def time_hooks(root: Path, work: Path, reps: int) -> None:
    """Per-build seconds inside each ExplainerPlugin event handler, and the build total."""
    import statistics

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from explainer.plugin import ExplainerPlugin

    spent: dict[str, float] = defaultdict(float)
    for name in [n for n in vars(ExplainerPlugin) if n.startswith("on_")]:
        original = getattr(ExplainerPlugin, name)

        def wrapper(self, *args, __original=original, __name=name, **kwargs):
            started = time.perf_counter()
            try:
                return __original(self, *args, **kwargs)
            finally:
                spent[__name] += time.perf_counter() - started

        setattr(ExplainerPlugin, name, wrapper)
    totals: list[float] = []
    per_hook: dict[str, list[float]] = defaultdict(list)
    for _ in range(reps):
        spent.clear()
        started = time.perf_counter()
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(work / "site"))
        build(config)
        totals.append(time.perf_counter() - started)
        for name, seconds in spent.items():
            per_hook[name].append(seconds)
    total = statistics.median(totals)
    print(f"\nbuild (load_config + build, in-process, imports done): median {total:.2f} s "
          f"over {reps}")
    ours_total = 0.0
    for name, values in sorted(per_hook.items(), key=lambda kv: -statistics.median(kv[1])):
        median = statistics.median(values)
        ours_total += median
        print(f"  {median:7.3f} s {median / total * 100:5.1f}%  ExplainerPlugin.{name}")
    print(f"  {ours_total:7.3f} s {ours_total / total * 100:5.1f}%  all plugin handlers")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--actors", type=int)
    which.add_argument("--bundled", action="store_true")
    which.add_argument("--root", type=Path, help="an existing project folder")
    parser.add_argument("--check", action="store_true", help="profile check_project only")
    parser.add_argument("--hooks", action="store_true",
                        help="time the plugin's event handlers instead of profiling")
    parser.add_argument("--reps", type=int, default=3, help="builds for --hooks")
    parser.add_argument("--count", action="store_true", help="count helper calls")
    parser.add_argument("--package", type=Path, help="folder holding an explainer/ to use")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--interval", type=float, default=0.001)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.package:
        sys.path.insert(0, str(args.package.resolve()))
    sys.path.insert(0, str(BENCH))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

    work = Path(tempfile.mkdtemp(prefix="explainer-profile-"))
    try:
        return profile(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def profile(args: argparse.Namespace, work: Path) -> int:
    import logging

    from export_markdown import export
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from pyinstrument import Profiler
    from run import copy_bundled

    import explainer

    if args.root:
        root, name = args.root.resolve(), args.root.name
    elif args.bundled:
        root, name = copy_bundled(work / "project"), "bundled"
    else:
        from generate import generate

        root, name = work / "project", f"{args.actors}"
        generate(root, args.actors, args.seed)
    name += "-check" if args.check else ""
    print(f"profiling {'check' if args.check else 'build'} of {root} with explainer from "
          f"{Path(explainer.__file__).parent}", file=sys.stderr)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    if args.hooks:
        export(root, work / "warm-export")
        time_hooks(root, work, args.reps)
        return 0
    counts = install_counters() if args.count else {}
    profiler = Profiler(interval=args.interval)
    if args.check:
        from explainer.project import check_project

        check_project(root)  # warm-up
        profiler.start()
        started = time.perf_counter()
        check_project(root)
    else:
        export(root, work / "warm-export")  # fills the card cache like a previous build
        for record in counts.values():
            record["calls"], record["distinct"] = 0, set()
        config = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(work / "site"))
        profiler.start()
        started = time.perf_counter()
        build(config)
    elapsed = time.perf_counter() - started
    profiler.stop()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"profile-{name}.txt").write_text(
        profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    (RESULTS / f"profile-{name}.html").write_text(profiler.output_html(), encoding="utf-8")
    session = profiler.last_session
    self_time, inclusive = aggregate(session.root_frame())
    total = session.duration
    print(f"\n{'check' if args.check else 'build'} of {name}: {elapsed:.2f} s "
          f"(profiled, sampling every {args.interval * 1000:g} ms)")

    def show(title: str, table: dict, keep) -> None:
        print(f"\n{title}")
        rows = sorted(((t, k) for k, t in table.items() if keep(k)), reverse=True)
        for seconds, key in rows[: args.top]:
            print(f"  {seconds:8.2f} s {seconds / total * 100:5.1f}%  {short(key)}")

    show("Ours, by self time:", self_time, lambda k: ours(k[1]))
    show("Ours, by inclusive time:", inclusive, lambda k: ours(k[1]))
    show("Everything, by self time:", self_time, lambda k: True)
    for label, record in counts.items():
        print(f"\n{label}: {record['calls']:,} calls, {len(record['distinct']):,} distinct "
              "arguments")
    print(f"\nreports: {RESULTS / f'profile-{name}.txt'} and .html")
    return 0


if __name__ == "__main__":
    reexec_in_venv("pyinstrument")
    sys.exit(main())
