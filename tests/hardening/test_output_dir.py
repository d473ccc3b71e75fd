"""The output folder's invariants: a build deletes nothing but its own output, one build
at a time, staging folders never outlive a build (SIGTERM and SIGINT included), and
disk errors are one line.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from explainer.localsite import EDITOR_ENV, cli_command, editor_env, free_port
from explainer.output_dir import OutputRefused, refuse_unsafe_target

from ..conftest import copy_project, run_cli
from .support import hash_tree, staging_leftovers


def script_env() -> dict[str, str]:
    """The editor's environment for a script that imports the package from here."""
    return {**EDITOR_ENV, "PYTHONPATH": str(Path.cwd())}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("output-dir") / "project")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root


def _everything(root: Path) -> dict[str, str]:
    """Every file under the project's parent: a refused build must change none."""
    return hash_tree(root.parent)


@pytest.mark.parametrize("site_dir, reason", [
    (".", "is or contains the project folder"),
    ("..", "is or contains the project folder"),
    ("content", "overlaps content, part of the project"),
    ("content/built", "overlaps content, part of the project"),
    ("data", "overlaps data, part of the project"),
    ("overrides", "overlaps overrides, part of the project"),
    ("mkdocs.yml", "overlaps mkdocs.yml, part of the project"),
    (".git", "overlaps .git, part of the project"),
])
def test_a_site_dir_over_the_sources_is_refused_and_nothing_is_deleted(
        project: Path, site_dir: str, reason: str) -> None:
    before = _everything(project)
    run = run_cli(project, "build", "--site-dir", site_dir)
    assert run.returncode == 1, run.stderr
    assert len(run.lines) == 1, run.stderr
    assert reason in run.stderr and run.stderr.startswith("error: --site-dir "), run.stderr
    assert run.stderr.rstrip().endswith("nothing was written"), run.stderr
    assert _everything(project) == before


def test_the_file_system_root_is_refused_without_touching_it(tmp_path: Path) -> None:
    # Checked on the function alone: a regression must not get the chance to delete '/'.
    with pytest.raises(OutputRefused, match="root of the file system"):
        refuse_unsafe_target(Path("/"), tmp_path, [tmp_path / "content"])


def test_a_folder_no_build_wrote_is_refused(project: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"\xff\xd8 not really")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("keep me")
    for target, reason in [(foreign, "holds files no build wrote"),
                           (a_file, "exists and is not a folder")]:
        run = run_cli(project, "build", "--site-dir", str(target))
        assert run.returncode == 1 and reason in run.stderr, run.stderr
    assert (foreign / "holiday.jpg").read_bytes() == b"\xff\xd8 not really"
    assert a_file.read_text() == "keep me"


def test_a_previous_build_and_an_empty_folder_are_replaced(project: Path,
                                                          tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    first = run_cli(project, "build", "--site-dir", str(empty))
    assert first.returncode == 0, first.stderr
    assert (empty / ".explainer-site").is_file() and (empty / "index.html").is_file()
    again = run_cli(project, "build", "--site-dir", str(empty))
    assert again.returncode == 0, again.stderr


def test_folders_that_only_look_like_staging_survive(project: Path) -> None:
    backup = project / ".site-backup"
    backup.mkdir()
    (backup / "index.html").write_text("my own copy")
    lookalike = project / ".site-staging-mine"
    lookalike.mkdir()
    (lookalike / "keep.txt").write_text("not a build")
    run = run_cli(project, "build")
    assert run.returncode == 0, run.stderr
    assert (backup / "index.html").read_text() == "my own copy"
    assert (lookalike / "keep.txt").read_text() == "not a build"
    assert staging_leftovers(project) == [".site-backup", ".site-staging-mine"]


def _spawn(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        cli_command(root, *args), cwd=root, env=editor_env(root, PYTHONPATH=str(Path.cwd())),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_concurrent_builds_take_turns_and_publish_a_whole_site(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    reference = run_cli(root, "build", "--site-dir", str(tmp_path / "reference"))
    assert reference.returncode == 0, reference.stderr
    expected = hash_tree(tmp_path / "reference")
    builds = [_spawn(root, "build") for _ in range(3)]
    outputs = [process.communicate(timeout=300)[1] for process in builds]
    assert [process.returncode for process in builds] == [0, 0, 0], outputs
    assert any("waiting for another build into site/ to finish" in out for out in outputs), (
        "the builds did not overlap, so the lock was not exercised: " + "\n".join(outputs))
    assert hash_tree(root / "site") == expected
    assert staging_leftovers(root) == []


@pytest.mark.parametrize("sig, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_a_build_removes_staging_and_keeps_the_site(
        tmp_path: Path, sig: signal.Signals, status: int) -> None:
    root = copy_project(tmp_path / "project")
    assert run_cli(root, "build").returncode == 0
    before = hash_tree(root / "site")
    process = _spawn(root, "build")
    # Wait until the staging folder exists, so the signal lands mid-build.
    deadline = time.monotonic() + 60
    while not any(name.startswith(".site-staging-") for name in staging_leftovers(root)):
        assert process.poll() is None and time.monotonic() < deadline, "build never started"
        time.sleep(0.01)
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == status, stderr
    assert "Traceback" not in stderr, stderr
    assert stderr.strip().splitlines()[-1].startswith("interrupted ("), stderr
    assert staging_leftovers(root) == []
    assert hash_tree(root / "site") == before


def test_sigterm_to_serve_removes_its_temporary_folder(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen(
        cli_command(root, "serve", "--dev-addr", f"127.0.0.1:{free_port()}"),
        cwd=root, env=editor_env(root, TMPDIR=str(temp)),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(temp.glob("explainer-serve-*/site/index.html")):
        assert process.poll() is None and time.monotonic() < deadline, (
            process.stderr.read() if process.stderr else "")
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr, stderr
    assert list(temp.iterdir()) == [], stderr


def test_a_full_disk_is_one_line_and_the_site_is_kept(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    assert run_cli(root, "build").returncode == 0
    before = hash_tree(root / "site")
    script = (
        "import errno, sys\n"
        "import mkdocs.utils\n"
        "def full(content, output_path):\n"
        "    raise OSError(errno.ENOSPC, 'No space left on device', output_path)\n"
        "mkdocs.utils.write_file = full\n"
        "from explainer.cli import main\n"
        "sys.exit(main(['--root', sys.argv[1], 'build']))\n")
    run = subprocess.run([sys.executable, "-c", script, str(root)], cwd=root,
                         env=editor_env(root), capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: {os.strerror(errno.ENOSPC)}: .site-staging-"), last
    assert last.endswith("; site/ left unchanged"), last
    assert hash_tree(root / "site") == before
    assert staging_leftovers(root) == []


def test_a_copied_site_in_a_repository_is_not_replaced(project: Path, tmp_path: Path) -> None:
    """A built site copied into a publishing repository carries the marker, but the
    manifest inside it does not list .git or CNAME: the build must refuse."""
    built = run_cli(project, "build", "--site-dir", str(tmp_path / "built"))
    assert built.returncode == 0, built.stderr
    pages = tmp_path / "pages"
    shutil.copytree(tmp_path / "built", pages)
    (pages / "CNAME").write_text("example.org\n")
    (pages / ".git").mkdir()
    (pages / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    before = hash_tree(pages)
    run = run_cli(project, "build", "--site-dir", str(pages))
    assert run.returncode == 1, run.stderr
    assert "holds files no build wrote (.git, .git/HEAD, CNAME)" in run.stderr, run.stderr
    assert hash_tree(pages) == before


def test_a_site_dir_that_is_a_link_is_refused(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep")
    for name, points_to in (("linked", elsewhere), ("dangling", tmp_path / "nowhere")):
        link = tmp_path / name
        link.symlink_to(points_to)
        run = run_cli(project, "build", "--site-dir", str(link))
        assert run.returncode == 1, run.stderr
        assert "exists and is not a folder (or is a link)" in run.stderr, run.stderr
        assert link.is_symlink()
    assert (elsewhere / "keep.txt").read_text() == "keep"
    assert [p.name for p in tmp_path.iterdir() if "staging" in p.name] == []


def test_glob_characters_in_the_name_do_not_adopt_another_backup(project: Path,
                                                                 tmp_path: Path) -> None:
    folder = tmp_path / "g"
    backup = folder / ".site-old-zzz"
    backup.mkdir(parents=True)
    (backup / ".explainer-site").write_text("planted\n")
    (backup / "only-copy.html").write_text("the only copy")
    run = run_cli(project, "build", "--site-dir", str(folder / "[s]ite"))
    assert run.returncode == 0, run.stderr
    assert (backup / "only-copy.html").read_text() == "the only copy"


def test_an_enclosing_repository_is_protected(tmp_path: Path) -> None:
    mono = tmp_path / "mono"
    project = copy_project(mono / "proj")
    (mono / ".git" / "refs" / "tags").mkdir(parents=True)
    run = run_cli(project, "build", "--site-dir", str(mono / ".git" / "refs" / "tags"))
    assert run.returncode == 1 and "overlaps" in run.stderr, run.stderr
    assert list((mono / ".git" / "refs" / "tags").iterdir()) == []


def test_a_link_from_content_into_the_output_is_refused(project: Path, tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    (root / "content" / "sitelink").symlink_to("../site")
    run = run_cli(root, "build")
    assert run.returncode == 1, run.stderr
    assert "content/sitelink is a link into --site-dir site" in run.stderr, run.stderr


def test_a_build_inside_another_build_s_output_waits(tmp_path: Path) -> None:
    """The outer build holds its parent; an inner one (whose parent lies inside the outer
    output) must wait for it rather than write into a folder about to be swapped."""
    outer = tmp_path / "q"
    (outer / "out").mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from pathlib import Path\n"
         "from explainer.output_dir import build_lock\n"
         "with build_lock(Path(sys.argv[1]), 'out/'):\n"
         "    print('held', flush=True)\n"
         "    time.sleep(3)\n", str(outer)],
        stdout=subprocess.PIPE, text=True, env=script_env())
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        inner = subprocess.run(
            [sys.executable, "-c",
             "import sys\n"
             "from pathlib import Path\n"
             "from explainer.output_dir import build_lock\n"
             "with build_lock(Path(sys.argv[1]), 'out/site/'):\n"
             "    pass\n", str(outer / "out")],
            capture_output=True, text=True, timeout=60, env=script_env())
        assert "waiting for another build into out/site/ to finish" in inner.stderr
        assert time.monotonic() - started > 1.0
    finally:
        holder.wait(timeout=30)


def test_a_signal_during_cleanup_waits_for_the_folder_to_go(tmp_path: Path) -> None:
    staging = tmp_path / ".site-staging-x"
    (staging / "deep").mkdir(parents=True)
    (staging / ".explainer-staging").write_text("x")
    (staging / "deep" / "page.html").write_text("x")
    script = (
        "import os, signal, sys, shutil\n"
        "from pathlib import Path\n"
        "import explainer.output_dir as output_dir\n"
        "real = shutil.rmtree\n"
        "def interrupted(path, *args, **kwargs):\n"
        "    os.kill(os.getpid(), signal.SIGINT)  # a second Ctrl-C, mid-removal\n"
        "    return real(path, *args, **kwargs)\n"
        "output_dir.shutil.rmtree = interrupted\n"
        "try:\n"
        "    output_dir.remove_ours(Path(sys.argv[1]))\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted after removal', flush=True)\n")
    result = subprocess.run([sys.executable, "-c", script, str(staging)], capture_output=True,
                            text=True, timeout=60, env=script_env())
    assert "interrupted after removal" in result.stdout, result.stderr
    assert not staging.exists()


@pytest.mark.parametrize("cache_dir, message", [
    ("content", "mkdocs.yml:1:1: error: cache_dir 'content' overlaps docs_dir"),
    ("site", "error: --site-dir site overlaps site, part of the project"),
])
def test_the_cache_is_kept_apart_from_sources_and_output(tmp_path: Path, cache_dir: str,
                                                         message: str) -> None:
    root = copy_project(tmp_path / "project")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - explainer:\n", f"  - explainer:\n      cache_dir: {cache_dir}\n", 1),
        encoding="utf-8")
    before = hash_tree(root / "content")
    run = run_cli(root, "build")
    assert run.returncode == 1, run.stderr
    assert hash_tree(root / "content") == before
    assert [p.name for p in root.iterdir() if "staging" in p.name] == []
    assert message in run.stderr, run.stderr
