"""The benchmarks still run: `bench/run.py --smoke` (10 actors, once, one preview edit) and
`bench/history.py --smoke` (20 commits, one call and one build of each kind).

No timing is asserted; only that the run completes and writes its JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_smoke(script: str, tmp_path: Path, timeout: float) -> tuple[dict, str]:
    """`bench/<script> --smoke`: it must exit 0 and write its JSON; that and what it
    printed are returned."""
    out = tmp_path / "smoke.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / script), "--smoke", "--out", str(out),
         "--work", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=timeout, cwd=REPO,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert out.exists(), result.stderr[-4000:]
    return json.loads(out.read_text(encoding="utf-8")), result.stdout


def test_bench_smoke_run_writes_results(tmp_path: Path) -> None:
    data, _ = run_smoke("run.py", tmp_path, timeout=180)
    assert {"meta", "sizes", "serve", "goals"} <= data.keys()
    assert {"date", "machine", "cpus", "python", "total_s"} <= data["meta"].keys()
    [size] = data["sizes"]
    assert size["label"] == "10 actors"
    assert size["reps"] == 1
    assert {"check", "ours", "plain", "ratio", "pages_per_s", "site",
            "same_article_html"} <= size.keys()
    assert size["check"]["errors"] == 0 and size["check"]["warnings"] == 0
    for build in ("ours", "plain"):
        assert {"wall_s", "cpu_s", "peak_rss_mib"} <= size[build].keys()
        assert size[build]["wall_s"] > 0 and size[build]["peak_rss_mib"] > 0
    assert {"html_pages", "entity_page_median_bytes", "entity_page_max_bytes",
            "search_index_bytes"} <= size["site"].keys()
    assert size["site"]["html_pages"] > 0 and size["site"]["search_index_bytes"] > 0
    # The plain build is of the same pages: every page body must match ours.
    assert size["same_article_html"]["differ"] == 0
    assert size["same_article_html"]["missing_in_plain"] == 0
    assert data["serve"]["edits"] == 1 and data["serve"]["refresh_s"] > 0


def test_history_bench_smoke_run_writes_results(tmp_path: Path) -> None:
    """`bench/history.py --smoke`: 20 commits, one call of each kind, one build each."""
    data, printed = run_smoke("history.py", tmp_path, timeout=120)
    assert {"date", "cpus", "python", "git_head", "load_average_start", "load_average_end",
            "total_s"} <= data["meta"].keys()
    history = data["history"]
    assert history["commits"] == 20
    # Every entity of the first commit is added, then one change per commit.
    assert history["changes"] > 20 and history["substantive"] < history["changes"]
    for measured in ("cold_s", "warm_s", "one_more_s"):
        assert len(history[measured]) == 1 and history[measured][0] > 0
    builds = data["builds"]
    assert len(builds["wall_s"]["git"]) == len(builds["wall_s"]["no_git"]) == 1
    assert builds["ratio"] > 0
    assert "| `load_history`, cold (empty cache) |" in printed
