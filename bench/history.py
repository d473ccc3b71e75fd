#!/usr/bin/env python3
"""Benchmark of the fact-level history read from git.

    python3 bench/history.py                  # 1,000 commits; builds with 30 commits
    python3 bench/history.py --profile 25     # also a cProfile of one cold call
    python3 bench/history.py --smoke          # 20 commits, once; for tests/test_bench_smoke.py

history  A copy of the bundled project made a git repository: a first commit with every
         file, then N commits each making one fact edit in data/ (a question's status, an
         event's title or place, an actor's role, a position's stance, a wording-only
         change, now and then a new quote), dated one hour apart. Timed in this process:
         `explainer.history.load_history(root, data, KINDS, cache_dir)`
         cold     a new, empty cache folder for every call;
         warm     the cache filled by an earlier call at the same HEAD;
         +1       one more commit on top before each call: the parsed file versions are
                  cached, the walk to the new HEAD is not.
build    `python -m explainer.cli --root P build --site-dir S` wall time, as a subprocess,
         on a copy of the bundled project that is a git repository with a few commits of
         edits, and on the same copy without .git (dates fall back to as_of). The .cache
         folder is warm for both (one untimed build each first); the two alternate.

Medians over the repetitions, all in one run. Results: a table on stdout and JSON in
bench/results/history.json.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from run import child_env
from venv_python import reexec_in_venv

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
GOALS = {"cold_s": 2.0, "warm_s": 0.2, "build_ratio": 1.10}
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
AUTHOR = ("Desk", "desk@example.org")

STATUSES = ("open", "partly-answered", "answered")
STANCES = ("supports", "open", "conditional", "noncommittal", "opposes", "unclear")
TITLE_ENDINGS = ("", " in Anchorage", " on 15 August")
ROLE_ENDINGS = ("", " (at the time of the summit)", " and head of delegation")
PLACES = ("Joint Base Elmendorf-Richardson, Anchorage, Alaska", "Anchorage, Alaska",
          "Joint Base Elmendorf-Richardson, Alaska", "Elmendorf Air Force Base, Anchorage")
WORDING_FILES = ("issues", "actors", "events", "questions")
AND = re.compile(r"(?<=\S)(,?) and ")  # inside a line, not at its indentation
QUOTE = """
- id: {speaker}-briefing-{n}
  actor: {speaker}
  text: We will keep talking and we will see where it goes ({n})
  context: >-
    Answering reporters the day after the summit.
  date: "2025-08-16"
  source: {source}
  as_of: "2026-11-29"
"""


def log(message: str) -> None:
    print(f"[history {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- git ------------------------------------------------------------------------------


def git_env(when: datetime | None = None) -> dict[str, str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": AUTHOR[0], "GIT_AUTHOR_EMAIL": AUTHOR[1],
           "GIT_COMMITTER_NAME": AUTHOR[0], "GIT_COMMITTER_EMAIL": AUTHOR[1],
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_OPTIONAL_LOCKS": "0"}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = when.isoformat()
    return env


def git(root: Path, *args: str, when: datetime | None = None, stdin: bytes | None = None
        ) -> str:
    result = subprocess.run(["git", "-C", str(root), *args], env=git_env(when), input=stdin,
                            capture_output=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"bench: git {args[0]} failed: {result.stderr.decode()[-2000:]}")
    return result.stdout.decode("utf-8", "replace")


def commit_time(index: int) -> datetime:
    """Commit 0 is the first publication; each later one is an hour after the last."""
    return START + timedelta(hours=index)


# -- realistic one-fact edits -----------------------------------------------------------


def entries(text: str) -> list[str]:
    """The file's header, then one string per list entry (blank line included)."""
    return re.split(r"(?m)^(?=- )", text)


def entry_name(entry: str) -> str:
    found = re.match(r"- (?:id|actor): (\S+)", entry)
    issue = re.search(r"(?m)^  issue: (\S+)$", entry)
    if found and entry.startswith("- actor:") and issue:
        return f"{found.group(1)}--{issue.group(1)}"
    return found.group(1) if found else "?"


def next_in(values: tuple[str, ...], current: str) -> str:
    return values[(values.index(current) + 1) % len(values)] if current in values else values[0]


def next_ending(endings: tuple[str, ...], current: str) -> str:
    for index, ending in enumerate(endings):
        if ending and current.endswith(ending):
            return current[: -len(ending)] + endings[(index + 1) % len(endings)]
    return current + endings[1]


def set_field(text: str, name: str, pick: int, change: Callable[[str], str]
              ) -> tuple[str, str]:
    """Change field `name` of the pick-th entry that has it; (new text, entry name)."""
    pattern = re.compile(rf"(?m)^  {name}: (.+)$")
    parts = entries(text)
    having = [i for i, part in enumerate(parts) if i and pattern.search(part)]
    index = having[pick % len(having)]
    parts[index] = pattern.sub(lambda m: f"  {name}: {change(m.group(1))}", parts[index], 1)
    return "".join(parts), entry_name(parts[index])


def reword(text: str, pick: int) -> tuple[str, str]:
    """A wording-only edit (a serial comma added or dropped) in the pick-th entry that
    has an ' and ' in its text."""
    parts = entries(text)
    having = [i for i, part in enumerate(parts) if i and AND.search(part)]
    index = having[pick % len(having)]
    found = AND.search(parts[index])
    parts[index] = AND.sub(" and " if found.group(1) else ", and ", parts[index], 1)
    return "".join(parts), entry_name(parts[index])


class Editor:
    """One fact edit after another, in a fixed cycle, applied to its copy of the files."""

    CYCLE = ("status", "title", "role", "stance", "wording", "place", "status", "stance",
             "role", "quote")

    def __init__(self, data: Path):
        self.texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(data.glob("*.yaml"))}
        self.count = 0
        self.source = entry_name(entries(self.texts["sources"])[1])
        self.speakers = [entry_name(part) for part in entries(self.texts["actors"])[1:]
                         if "\n  kind: person\n" in part]

    def next(self) -> tuple[str, str, str]:
        """(file stem, its new text, commit message) of the next edit."""
        slot = self.count % len(self.CYCLE)
        turn = self.count // len(self.CYCLE)
        stem, text, message = getattr(self, "_" + self.CYCLE[slot])(turn, turn + slot)
        self.texts[stem] = text
        self.count += 1
        return stem, text, message

    def _edit(self, stem: str, name: str, pick: int, change: Callable[[str], str]
              ) -> tuple[str, str, str]:
        text, entity = set_field(self.texts[stem], name, pick, change)
        return stem, text, f"{stem}: {name} of {entity}"

    def _status(self, turn: int, pick: int) -> tuple[str, str, str]:
        return self._edit("questions", "status", pick, lambda v: next_in(STATUSES, v))

    def _stance(self, turn: int, pick: int) -> tuple[str, str, str]:
        return self._edit("positions", "stance", pick, lambda v: next_in(STANCES, v))

    def _title(self, turn: int, pick: int) -> tuple[str, str, str]:
        return self._edit("events", "title", pick, lambda v: next_ending(TITLE_ENDINGS, v))

    def _place(self, turn: int, pick: int) -> tuple[str, str, str]:
        return self._edit("events", "place", pick, lambda v: next_in(PLACES, v))

    def _role(self, turn: int, pick: int) -> tuple[str, str, str]:
        return self._edit("actors", "role", pick, lambda v: next_ending(ROLE_ENDINGS, v))

    def _wording(self, turn: int, pick: int) -> tuple[str, str, str]:
        stem = WORDING_FILES[turn % len(WORDING_FILES)]
        text, entity = reword(self.texts[stem], pick)
        return stem, text, f"{stem}: wording of {entity}"

    def _quote(self, turn: int, pick: int) -> tuple[str, str, str]:
        speaker = self.speakers[turn % len(self.speakers)]
        block = QUOTE.format(speaker=speaker, n=turn + 1, source=self.source)
        text = self.texts["quotes"].rstrip("\n") + "\n" + block
        return "quotes", text, f"quotes: new quote of {speaker}"


# -- scratch repositories -----------------------------------------------------------------


def fast_import_record(index: int, path: str, data: bytes, message: str, parent: str | None
                       ) -> bytes:
    stamp = f"{int(commit_time(index).timestamp())} +0000"
    who = f"{AUTHOR[0]} <{AUTHOR[1]}>"
    text = message.encode()
    record = (f"commit refs/heads/main\nauthor {who} {stamp}\ncommitter {who} {stamp}\n"
              f"data {len(text)}\n").encode() + text + b"\n"
    if parent:
        record += f"from {parent}\n".encode()
    return record + f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"


def must_load(stem: str, text: str) -> None:
    """Every version written must be valid YAML: an unreadable one would be skipped by the
    history and make the benchmark measure less than it says."""
    from explainer.yaml_source import load_yaml_bytes

    loaded = load_yaml_bytes(text.encode("utf-8"), f"data/{stem}.yaml")
    if loaded.diagnostics:
        raise SystemExit("bench: an edit broke the data: " + loaded.diagnostics[0].as_text())


def make_repository(root: Path, commits: int) -> Editor:
    """Copy of the bundled project at `root`, a first commit with every file, then
    `commits` one-fact edits (written with git fast-import), checked out."""
    from explainer.localsite import copy_project

    copy_project(REPO, root)
    (root / ".gitignore").write_text(".cache/\nsite/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "First publication", when=commit_time(0))
    editor = Editor(root / "data")
    stream = bytearray()
    for index in range(1, commits + 1):
        stem, text, message = editor.next()
        must_load(stem, text)
        stream += fast_import_record(index, f"data/{stem}.yaml", text.encode("utf-8"),
                                     message, "refs/heads/main^0" if index == 1 else None)
    if stream:
        git(root, "fast-import", "--quiet", stdin=bytes(stream))
    git(root, "reset", "-q", "--hard")
    return editor


def commit_one_more(root: Path, editor: Editor) -> None:
    stem, text, message = editor.next()
    (root / "data" / f"{stem}.yaml").write_bytes(text.encode("utf-8"))
    git(root, "commit", "-q", "-a", "-m", message, when=commit_time(editor.count))


# -- load_history ---------------------------------------------------------------------------


def timed_history(root: Path, cache: Path) -> tuple[float, object]:
    from explainer.history import load_history
    from explainer.kinds import KINDS

    gc.collect()
    started = time.perf_counter()
    history = load_history(root, root / "data", KINDS, cache)
    elapsed = time.perf_counter() - started
    if not history.available:
        raise SystemExit(f"bench: no history: {history.reason}")
    return elapsed, history


def cache_size(cache: Path) -> dict:
    files = list((cache / "history").glob("*.json"))
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


def time_cold(root: Path, work: Path, reps: int) -> tuple[list[float], Path, object]:
    """Each call with a new, empty cache; (times, the last call's cache, its history)."""
    times, history = [], None
    for rep in range(reps):
        elapsed, history = timed_history(root, work / f"cache-cold-{rep}")
        times.append(elapsed)
        log(f"history: cold {elapsed:.3f} s")
    return times, work / f"cache-cold-{reps - 1}", history


def time_one_more(root: Path, cache: Path, editor: Editor, reps: int) -> list[float]:
    """Before each call, one more commit: its walk is not cached, most file versions are."""
    times = []
    for _ in range(reps):
        commit_one_more(root, editor)
        times.append(timed_history(root, cache)[0])
    log(f"history: one new commit {statistics.median(times):.3f} s")
    return times


def measure_history(work: Path, commits: int, reps: int, profile: int) -> dict:
    root = work / "history-project"
    log(f"history: making a repository of {commits} commits")
    started = time.monotonic()
    editor = make_repository(root, commits)
    setup_s = time.monotonic() - started
    cold, cache, history = time_cold(root, work, reps)
    top = profile_cold(root, work / "cache-profile", profile) if profile else None
    warm = [timed_history(root, cache)[0] for _ in range(reps)]
    log(f"history: warm {statistics.median(warm):.3f} s")
    filled = cache_size(cache)
    one_more = time_one_more(root, cache, editor, reps)
    return {"commits": commits, "setup_s": setup_s, "changes": len(history.changes),
            "substantive": sum(c.substantive for c in history.changes), "cache": filled,
            "cold_s": cold, "warm_s": warm, "one_more_s": one_more, "profile": top}


def profile_cold(root: Path, cache: Path, top: int) -> dict:
    """cProfile of one cold call: the top functions by own time and by cumulative time."""
    from explainer.history import load_history
    from explainer.kinds import KINDS

    profiler = cProfile.Profile()
    profiler.enable()
    load_history(root, root / "data", KINDS, cache)
    profiler.disable()
    sections = {}
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(top)
        sections[order] = out.getvalue()
    return sections


# -- builds -----------------------------------------------------------------------------------


def timed_build(root: Path, site: Path, log_path: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one CLI build as a subprocess; exits on failure."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(log_path, "wb") as out:
        result = subprocess.run([sys.executable, "-m", "explainer.cli", "--root", str(root),
                                 "build", "--site-dir", str(site)], cwd=root, env=child_env(),
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        tail = log_path.read_text(errors="replace")[-3000:]
        raise SystemExit(f"bench: build of {root} failed (exit {result.returncode}):\n{tail}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def prepare_builds(work: Path, commits: int) -> dict[str, Path]:
    with_git = work / "build-git"
    make_repository(with_git, commits)
    without = work / "build-no-git"
    shutil.copytree(with_git, without, ignore=shutil.ignore_patterns(".git"))
    return {"git": with_git, "no_git": without}


def warm_up(projects: dict[str, Path], work: Path) -> None:
    """One untimed build of each fills its .cache; the notes say whether git was used."""
    for name, root in projects.items():
        log_path = work / f"warm-{name}.log"
        timed_build(root, work / f"site-{name}", log_path)
        fell_back = "dates fall back to as_of" in log_path.read_text(errors="replace")
        if fell_back != (name == "no_git"):
            raise SystemExit(f"bench: build of {name} {'fell' if fell_back else 'did not fall'}"
                             f" back to as_of; see {log_path}")


def measure_builds(work: Path, commits: int, reps: int) -> dict:
    log(f"builds: bundled project with {commits} commits, and without .git")
    projects = prepare_builds(work, commits)
    warm_up(projects, work)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in projects}
    for rep in range(reps):
        order = list(projects) if rep % 2 == 0 else list(reversed(projects))
        for name in order:
            runs[name].append(timed_build(projects[name], work / f"site-{name}",
                                          work / f"build-{name}.log"))
        log(f"builds: {rep + 1}/{reps}: git {runs['git'][-1][0]:.2f} s, "
            f"no git {runs['no_git'][-1][0]:.2f} s")
    wall = {name: [w for w, _ in times] for name, times in runs.items()}
    cpu = {name: [c for _, c in times] for name, times in runs.items()}
    return {"commits": commits, "reps": reps, "wall_s": wall, "cpu_s": cpu,
            "ratio": statistics.median(wall["git"]) / statistics.median(wall["no_git"]),
            "cpu_ratio": statistics.median(cpu["git"]) / statistics.median(cpu["no_git"])}


# -- report -----------------------------------------------------------------------------------


def machine() -> dict:
    def repo_git(*args: str) -> str:
        return git(REPO, *args).strip()

    dirty = repo_git("status", "--porcelain", "--", "explainer")
    return {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": platform.machine(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "git_head": repo_git("rev-parse", "--short",
                                                                      "HEAD"),
            "tree_dirty": bool(dirty), "load_average_start": os.getloadavg()}


def machine_line(meta: dict) -> str:
    return (f"History benchmark of {meta['date']} on {meta['machine']}, {meta['cpus']} CPUs, "
            f"Python {meta['python']}; explainer {meta['git_head']}"
            f"{' + uncommitted changes' if meta['tree_dirty'] else ''}; total "
            f"{meta['total_s']:.0f} s; load average {meta['load_average_start'][0]:.1f} at "
            f"the start, {meta['load_average_end'][0]:.1f} at the end.")


def _seconds(value: float) -> str:
    return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:.2f} s"


def _row(what: str, setup: str, times: list[float], goal: float | None) -> str:
    median = statistics.median(times)
    runs = ", ".join(_seconds(t) for t in times)
    verdict = ("yes" if median < goal else "no") if goal else "–"
    limit = f"< {_seconds(goal)}" if goal else "–"
    return (f"| {what} | {setup} | {len(times)} | {_seconds(median)} | {runs} | {limit} "
            f"| {verdict} |")


def table(results: dict) -> str:
    h, b = results["history"], results["builds"]
    setup = (f"{h['commits']:,} commits, {h['cache']['files'] - 1:,} file versions "
             f"({h['cache']['bytes'] / 1024:,.0f} KiB cached)")
    lines = ["| measurement | setup | reps | median | runs | goal | met |",
             "|---|---|---|---|---|---|---|",
             _row("`load_history`, cold (empty cache)", setup, h["cold_s"], GOALS["cold_s"]),
             _row("`load_history`, warm (same HEAD)", setup, h["warm_s"], GOALS["warm_s"]),
             _row("`load_history`, one new commit (blobs cached, walk not)", setup,
                  h["one_more_s"], None)]
    if b:
        git_setup = f"bundled, {b['commits']} commits, warm .cache"
        lines += [_row("CLI build with git history", git_setup, b["wall_s"]["git"], None),
                  _row("CLI build without .git (as_of)", "bundled, warm .cache",
                       b["wall_s"]["no_git"], None),
                  f"| build with / without history | wall (CPU) | {b['reps']} | "
                  f"{b['ratio']:.2f} ({b['cpu_ratio']:.2f}) | – | ≤ {GOALS['build_ratio']:.2f} "
                  f"| {'yes' if b['ratio'] <= GOALS['build_ratio'] else 'no'} |"]
    return "\n".join(lines)


def report(results: dict) -> str:
    h = results["history"]
    return "\n".join([
        machine_line(results["meta"]), "", table(results), "",
        f"History: {h['changes']:,} fact-level changes ({h['substantive']:,} substantive); "
        f"repository made in {h['setup_s']:.1f} s (not timed).", ""])


# -- main -------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=1000,
                        help="one-fact commits after the first (default 1000)")
    parser.add_argument("--reps", type=int, default=3,
                        help="calls of load_history per measurement (default 3)")
    parser.add_argument("--build-commits", type=int, default=30,
                        help="commits of edits in the project the builds use (default 30)")
    parser.add_argument("--build-reps", type=int, default=5,
                        help="timed builds with and without git each (default 5)")
    parser.add_argument("--no-builds", action="store_true", help="skip the builds")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile one cold call; print the top N functions")
    parser.add_argument("--smoke", action="store_true",
                        help="20 commits, one call each, one build each; results/history-smoke")
    parser.add_argument("--out", type=Path, default=None, help="JSON output file")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    if args.smoke:
        args.commits, args.reps, args.build_commits, args.build_reps = 20, 1, 3, 1
    default = "history-smoke.json" if args.smoke else "history.json"
    args.out = args.out or RESULTS / default
    return args


def run(args: argparse.Namespace, work: Path) -> dict:
    begun = time.monotonic()
    results: dict = {"meta": machine(), "builds": None, "goals": dict(GOALS)}
    results["history"] = measure_history(work, args.commits, args.reps, args.profile)
    if not args.no_builds:
        results["builds"] = measure_builds(work, args.build_commits, args.build_reps)
    results["meta"]["total_s"] = time.monotonic() - begun
    results["meta"]["load_average_end"] = os.getloadavg()
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="explainer-history-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = run(args, work)
        print(report(results))
        profile = results["history"]["profile"]
        if profile:
            print("cProfile of one cold load_history, by own time:")
            print(profile["tottime"])
            print("by cumulative time:")
            print(profile["cumulative"])
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
        log(f"wrote {args.out}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    reexec_in_venv("mkdocs", "yaml")
    sys.exit(main())
