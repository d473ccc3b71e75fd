"""Nothing lost: a killed or failed build leaves the last good site/ whole and untouched,
leaves no temporary folders behind once a build succeeds, `check` writes nothing, and
two builds of one copy are byte-identical.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from explainer.localsite import cli_command, editor_env

from ..conftest import REPO, copy_project, replace_in, run_cli
from .support import check_in_process, hash_tree, staging_leftovers


def env_for(root: Path) -> dict[str, str]:
    """The editor's environment for a process on `root` that imports the package from
    this repository."""
    return editor_env(root, PYTHONPATH=str(REPO))


@dataclass
class Built:
    root: Path
    site: Path
    hashes: dict[str, str]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = copy_project(tmp_path_factory.mktemp("nothing-lost") / "project")
    run = run_cli(root, "build")
    assert run.returncode == 0, run.stderr
    site = root / "site"
    hashes = hash_tree(site)
    assert "index.html" in hashes and len(hashes) > 20, sorted(hashes)
    assert staging_leftovers(root) == []
    return Built(root, site, hashes)


def _spawn_build(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        cli_command(root, "build", *args), cwd=root, env=env_for(root),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _differences(before: dict[str, str], after: dict[str, str]) -> str:
    missing = sorted(set(before) - set(after))
    added = sorted(set(after) - set(before))
    changed = sorted(name for name in set(before) & set(after) if before[name] != after[name])
    return (f"{len(missing)} missing {missing[:5]}, {len(added)} added {added[:5]}, "
            f"{len(changed)} changed {changed[:5]}")


@pytest.mark.parametrize("delay", [0.1, 0.5, 1.0])
def test_sigkill_during_build_keeps_the_previous_site(built: Built, delay: float) -> None:
    process = _spawn_build(built.root)
    time.sleep(delay)
    finished_first = process.poll() is not None
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    after = hash_tree(built.site)
    assert after == built.hashes, (
        f"site/ changed by a build killed at {delay} s (finished first: {finished_first}): "
        + _differences(built.hashes, after))
    # The next successful build cleans up whatever the killed one left.
    run = run_cli(built.root, "build")
    assert run.returncode == 0, run.stderr
    assert staging_leftovers(built.root) == []
    assert hash_tree(built.site) == built.hashes


@pytest.mark.parametrize("breakage", ["data", "content"])
def test_failed_build_leaves_site_and_no_temp_folders(built: Built, breakage: str) -> None:
    if breakage == "data":
        path = built.root / "data" / "updates.yaml"
        original = path.read_bytes()
        replace_in(path, "kind: addition", "kind: adition")
    else:
        path = built.root / "content" / "index.md"
        original = path.read_bytes()
        path.write_bytes(original.replace(b"## Key takeaways", b"## Key take\xffaways", 1))
    try:
        run = run_cli(built.root, "build")
    finally:
        path.write_bytes(original)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr, run.stderr[-2500:]
    assert "site/ left unchanged" in run.stderr, run.stderr
    assert hash_tree(built.site) == built.hashes
    assert staging_leftovers(built.root) == []


def test_check_never_writes(built: Built) -> None:
    before = hash_tree(built.root)
    run = run_cli(built.root, "check")
    assert run.returncode == 0, run.stderr
    in_process = check_in_process(built.root)
    assert in_process.status == 0, in_process.stderr
    assert hash_tree(built.root) == before


def test_check_of_broken_data_never_writes(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    replace_in(root / "data" / "updates.yaml", "kind: addition", "kind: 'addition")
    before = hash_tree(root)
    listing = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    run = run_cli(root, "check")
    assert run.returncode == 1, run.stderr
    assert hash_tree(root) == before
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == listing


def test_two_builds_are_byte_identical(built: Built) -> None:
    second = built.root / "site-again"
    run = run_cli(built.root, "build", "--site-dir", str(second))
    try:
        assert run.returncode == 0, run.stderr
        again = hash_tree(second)
        assert again == built.hashes, _differences(built.hashes, again)
    finally:
        shutil.rmtree(second, ignore_errors=True)
    assert staging_leftovers(built.root) == []


SWAP_PAUSE = """
import os, sys, time
import explainer.output_dir as site_build

mode = sys.argv[2]
if mode == "two-renames":
    # A system without an atomic exchange: site/ is swapped by two renames.
    site_build._exchange = lambda first, second: False

    class PausingOs:
        def __getattr__(self, name):
            return getattr(os, name)

        def rename(self, source, target):
            os.rename(source, target)
            if os.path.basename(str(source)) == "site":
                print("paused in the swap", flush=True)
                time.sleep(60)

    site_build.os = PausingOs()
else:
    exchange = site_build._exchange

    def pausing_exchange(first, second):
        done = exchange(first, second)
        print("paused in the swap", flush=True)
        time.sleep(60)
        return done

    site_build._exchange = pausing_exchange
from explainer.cli import main
sys.exit(main(["--root", sys.argv[1], "build"]))
"""


def _kill_during_swap(root: Path, mode: str) -> None:
    process = subprocess.Popen([sys.executable, "-c", SWAP_PAUSE, str(root), mode], cwd=root,
                               env=env_for(root), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "paused in the swap" in line, process.stderr.read() if process.stderr else line
    finally:
        process.kill()
        process.wait(timeout=30)


def test_sigkill_during_the_atomic_swap_keeps_a_complete_site(built: Built,
                                                              tmp_path: Path) -> None:
    """site/ is exchanged with the new build in one step: a kill right after it leaves the
    new, complete site, and the next build clears what the killed one left behind."""
    root = tmp_path / "project"
    shutil.copytree(built.root, root)
    _kill_during_swap(root, "exchange")
    site = root / "site"
    assert site.is_dir(), "no site/ after a kill during the swap"
    assert hash_tree(site) == built.hashes
    replace_in(root / "data" / "updates.yaml", "kind: addition", "kind: adition")
    run = run_cli(root, "build")
    assert run.returncode == 1
    assert hash_tree(site) == built.hashes, "the last good site was lost"
    assert staging_leftovers(root) == []


def test_sigkill_between_two_renames_is_repaired_by_the_next_build(built: Built,
                                                                   tmp_path: Path) -> None:
    """Without an atomic exchange, a kill between site -> .site-old-* and staging -> site
    leaves no site/; the next build, even a failing one, must restore the last good site
    rather than delete its only copy."""
    root = tmp_path / "project"
    shutil.copytree(built.root, root)
    _kill_during_swap(root, "two-renames")
    assert not (root / "site").exists()
    assert any(name.startswith(".site-old-") for name in staging_leftovers(root))
    replace_in(root / "data" / "updates.yaml", "kind: addition", "kind: adition")
    run = run_cli(root, "build")
    assert run.returncode == 1
    assert (root / "site").is_dir(), "the last good site was deleted"
    assert hash_tree(root / "site") == built.hashes, "the last good site was lost"
    assert staging_leftovers(root) == []

