#!/usr/bin/env python3
"""The editor's loop: from saving a file to the served page showing the change.

    python3 bench/preview.py [--actors 1000] [--edits 5]

For the bundled project and a generated one of about N actors (bench/generate.py), each
a fresh copy with its own git history of one commit, `python -m explainer.cli serve`
runs in a subprocess and, for each kind of edit, the time from saving the file to the
page showing the new text is measured the way a browser with the page open sees it:
waiting on the server's live-reload endpoint for the next build, then loading the page
(again, if that build was not yet the one with the edit):

one fact   an actor's role in data/actors.yaml (the actor's page; the preview
           renders again only the pages that read the role)
new actor  an actor appended to data/actors.yaml, which an event already names (its new
           page; a full build)
content    a line appended to content/setting-the-stage.md (that page; a full build)

--edits one-fact edits, and as many of the others (whole builds, seconds each at 1,000
actors) as half that, at least 3 when --edits is 3 or more. Medians over the runs, in
seconds; the preview's own line ("preview updated: 3 pages in
0.31 s") is in the log beside the results.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from venv_python import reexec_in_venv

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
POLL_S = 0.025


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def wait_for(url: str, text: str, limit: float = 120.0) -> float:
    """Poll until `url` shows `text` (the server coming up, a new page appearing)."""
    saved = time.perf_counter()
    while True:
        body = fetch(url)
        if body is not None and text in body:
            return time.perf_counter() - saved
        if time.perf_counter() - saved > limit:
            raise SystemExit(f"bench: {text!r} never showed on {url}")
        time.sleep(POLL_S)


def epoch_of(url: str) -> int:
    """The build a page was served from, as its live-reload script says."""
    wait_for(url, "livereload(")  # the page may be waiting for a build to finish
    body = fetch(url) or ""
    found = re.search(r"livereload\((\d+),", body)
    if found is None:
        raise SystemExit(f"bench: no live-reload script in {url}")
    return int(found.group(1))


def reloaded(base: str, url: str, text: str, epoch: int, limit: float = 120.0) -> float:
    """Seconds until the page at `url` shows `text`, waiting as the browser's live-reload
    script does: a request that returns when a newer build is served."""
    saved = time.perf_counter()
    while time.perf_counter() - saved < limit:
        answer = fetch(f"{base}livereload/{epoch}/1")
        if answer is not None and answer.strip().isdigit():
            epoch = int(answer.strip())
        body = fetch(url)
        if body is not None and text in body:
            return time.perf_counter() - saved
    raise SystemExit(f"bench: {text!r} never showed on {url}")


def with_history(project: Path) -> None:
    git = ["git", "-C", str(project), "-c", "user.name=bench", "-c", "user.email=b@b"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "bench"], check=True)


def measure(project: Path, label: str, edits: int, log: Path) -> dict[str, object]:
    from explainer.localsite import free_port

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    actors = project / "data" / "actors.yaml"
    original = actors.read_text("utf-8")
    # The first actor with that role (rubio, or rubio-001 in a generated project).
    found = re.search(r"^- id: ([a-z0-9-]+)\n(?:  .*\n)*?  role: Secretary of State$",
                      original, re.M)
    if found is None:
        raise SystemExit("bench: no actor with the role 'Secretary of State'")
    page = base + f"actors/{found.group(1)}/"
    server = subprocess.Popen(
        [sys.executable, "-m", "explainer.cli", "--root", str(project), "serve",
         "--dev-addr", f"127.0.0.1:{port}"], cwd=project, stdin=subprocess.DEVNULL,
        stdout=log.open("ab"), stderr=subprocess.STDOUT)
    results: dict[str, list[float]] = {"one_fact_s": [], "new_actor_s": [], "content_s": []}
    # Edits that rebuild everything take seconds at 1,000 actors: fewer, but 3 at least
    # whenever there are 3 one-fact edits, so each figure is a median of 3.
    full_edits = max(1, min(edits, 3), edits // 2)
    try:
        wait_for(page, "Marco Rubio", limit=300)
        time.sleep(1.0)
        for run in range(edits):
            role = f"Secretary of State (edit {label} {run})"
            epoch = epoch_of(page)
            actors.write_text(original.replace("role: Secretary of State", f"role: {role}", 1),
                              "utf-8")
            results["one_fact_s"].append(reloaded(base, page, role, epoch))
            time.sleep(0.5)
        events = project / "data" / "events.yaml"
        events_text = events.read_text("utf-8")
        for run in range(full_edits):
            # An event names the new actor first (the preview reports it unknown), then
            # the actor is saved: from that save to its page.
            envoy = f"bench-envoy-{run}"
            events.write_text(re.sub(r"actors: \[([^\]]*)\]", rf"actors: [\1, {envoy}]",
                                     events_text, count=1))
            time.sleep(1.0)
            name = f"Bench Envoy {run}"
            actors.write_text(original + f"\n- id: {envoy}\n  name: {name}\n"
                              "  kind: person\n", "utf-8")
            results["new_actor_s"].append(wait_for(base + f"actors/{envoy}/", name))
            time.sleep(0.5)
        events.write_text(events_text, "utf-8")
        actors.write_text(original, "utf-8")
        time.sleep(1.0)
        section = project / "content" / "setting-the-stage.md"
        text = section.read_text("utf-8")
        for run in range(full_edits):
            line = f"A line added by the benchmark, run {run}."
            epoch = epoch_of(base + "setting-the-stage/")
            section.write_text(text + f"\n{line}\n", "utf-8")
            results["content_s"].append(reloaded(base, base + "setting-the-stage/", line, epoch))
            time.sleep(0.5)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        actors.write_text(original, "utf-8")
    return {"label": label, **{key: round(statistics.median(times), 3)
                               for key, times in results.items()},
            "runs": {key: [round(t, 3) for t in times] for key, times in results.items()}}


def main() -> None:
    reexec_in_venv("mkdocs", "material", "pydantic")
    sys.path.insert(0, str(REPO))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    from generate import generate

    from explainer.localsite import copy_project

    work = Path(tempfile.mkdtemp(prefix="bench-preview-"))
    log = work / "serve.log"
    bundled = copy_project(REPO, work / "bundled")
    big = work / "big"
    generate(big, args.actors)
    rows = []
    for project, label in ((bundled, "bundled"), (big, f"{args.actors} actors")):
        with_history(project)
        rows.append(measure(project, label, args.edits, log))
        print(json.dumps(rows[-1]), flush=True)
    print(f"\nlog: {log}")
    print("| data | one-fact edit | new actor | content edit |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row['label']} | {row['one_fact_s']} s | {row['new_actor_s']} s "
              f"| {row['content_s']} s |")


if __name__ == "__main__":
    main()
