"""On a large site the generated pages are rendered by a forked child while MkDocs reads
the first ones. The child may only speed the build up: every page it does not deliver is
rendered by the build itself, and the site is the same byte for byte either way."""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from explainer.render.background import BackgroundRenderer
from explainer.render.pages import GeneratedPage
from explainer.render.templates import PACKAGE_TEMPLATES

from .conftest import REPO, copy_project, run_cli
from .hardening.support import hash_tree

PARENT = os.getpid()


def page(name: str, body) -> GeneratedPage:  # noqa: ANN001 - any callable giving text
    return GeneratedPage(f"{name}/index.md", f"{name}/", name, f"# {name}\n\n", body)


def where() -> str:
    return "here" if os.getpid() == PARENT else "child"


def test_the_child_renders_the_pages_in_order() -> None:
    pages = [page(f"p{number}", where) for number in range(50)]
    renderer = BackgroundRenderer(pages)
    try:
        texts = [renderer.markdown(p.src_uri) for p in pages]
    finally:
        renderer.close()
    assert texts == [f"# p{number}\n\nchild\n" for number in range(50)]
    assert [p.markdown for p in pages] == texts  # kept: the page is not rendered again


def test_a_page_the_child_cannot_render_is_rendered_here() -> None:
    def fails_in_the_child() -> str:
        if os.getpid() != PARENT:
            raise RuntimeError("a template failed")
        return "here"

    pages = [page("a", where), page("b", fails_in_the_child), page("c", where)]
    renderer = BackgroundRenderer(pages)
    try:
        assert [renderer.markdown(p.src_uri).split("\n")[2] for p in pages] == \
            ["child", "here", "child"]
    finally:
        renderer.close()


def test_an_error_is_kept_for_the_build_to_raise() -> None:
    """MkDocs would report an error raised while it reads a page as a missing or
    unreadable file: the page reads as empty, and the build raises the error itself."""
    def always_fails() -> str:
        raise ValueError(f"broken in {where()}")

    renderer = BackgroundRenderer([page("a", always_fails), page("b", always_fails)])
    try:
        assert renderer.markdown("a/index.md") == ""
        assert renderer.markdown("b/index.md") == ""
    finally:
        renderer.close()
    assert isinstance(renderer.failure, ValueError)
    assert str(renderer.failure) == "broken in here"  # the first page's, rendered here


def test_a_page_that_logs_is_left_to_the_build(caplog: pytest.LogCaptureFixture) -> None:
    def warns() -> str:
        logging.getLogger("mkdocs.plugins.explainer").warning("odd data on %s", where())
        return where()

    renderer = BackgroundRenderer([page("a", where), page("b", warns)])
    try:
        with caplog.at_level(logging.WARNING):
            texts = [renderer.markdown(uri) for uri in ("a/index.md", "b/index.md")]
    finally:
        renderer.close()
    assert [text.split("\n")[2] for text in texts] == ["child", "here"]
    assert [r.getMessage() for r in caplog.records] == ["odd data on here"]


def test_a_child_that_dies_leaves_its_pages_to_the_build() -> None:
    def first() -> str:
        if os.getpid() != PARENT:
            os.kill(os.getpid(), signal.SIGKILL)
        return "here"

    pages = [page("a", first), *(page(f"p{n}", where) for n in range(5))]
    renderer = BackgroundRenderer(pages)
    try:
        texts = [renderer.markdown(p.src_uri).split("\n")[2] for p in pages]
    finally:
        renderer.close()
    assert texts == ["here"] * 6


def test_close_stops_a_child_still_rendering() -> None:
    def slow() -> str:
        if os.getpid() != PARENT:
            signal.pause()  # never returns in the child
        return "here"

    renderer = BackgroundRenderer([page("a", slow)])
    renderer.close()  # returns: the child was stopped and reaped
    with pytest.raises(ChildProcessError):
        os.waitpid(renderer._pid, os.WNOHANG)
    assert renderer.markdown("a/index.md").endswith("here\n")


def test_no_fork_while_another_thread_runs() -> None:
    script = """
import threading
from explainer.render import background
print(background.available())
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
print(background.available())
stop.set()
other.join()
"""
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, timeout=60).stdout.split()
    assert shown == [str(sys.platform.startswith("linux")), "False"]


def test_a_fork_that_fails_leaves_nothing_open(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    before = set(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(os, "fork", no_fork)
    with pytest.raises(OSError):
        BackgroundRenderer([page("a", where)])
    assert set(os.listdir("/proc/self/fd")) == before


def test_the_child_keeps_no_descriptor_but_its_pipe(tmp_path: Path) -> None:
    """A lock the build holds (one build at a time) is not held on by the child."""
    lock_path = tmp_path / "lock"
    held = open(lock_path, "w")  # noqa: SIM115 - closed below, while the child lives
    fcntl.flock(held, fcntl.LOCK_EX)

    started = tmp_path / "started"

    def waits() -> str:
        if os.getpid() != PARENT:
            started.touch()
            signal.pause()
        return "here"

    renderer = BackgroundRenderer([page("a", waits)])
    try:
        for _ in range(500):  # until the child renders: its set-up is done by then
            if started.exists():
                break
            time.sleep(0.01)
        held.close()  # this process lets go; the child, alive, must not hold it still
        with open(lock_path, "w") as other:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises if still held
        child_fds = os.listdir(f"/proc/{renderer._pid}/fd")
        assert len(child_fds) <= 4, child_fds  # standard streams and the pipe
    finally:
        renderer.close()


def test_a_child_reaped_elsewhere_does_not_leave_the_build_waiting() -> None:
    def first() -> str:
        if os.getpid() != PARENT:
            os.kill(os.getpid(), signal.SIGKILL)
        return "here"

    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps children
    try:
        renderer = BackgroundRenderer([page("a", first), page("b", where)])
        texts = [renderer.markdown(uri).split("\n")[2] for uri in ("a/index.md", "b/index.md")]
        renderer.close()
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert texts == ["here", "here"]


# mkdocs build, telling on stderr how many pages the child delivered.
COUNTING_BUILD = """
import atexit, runpy, sys
from explainer.render import background
delivered = []
read_message = background._read_message
def counted(stream):
    message = read_message(stream)
    if message is not None and message[1] is not None:
        delivered.append(message[0])
    return message
background._read_message = counted
atexit.register(lambda: print("delivered", len(delivered), file=sys.stderr))
sys.argv = ["mkdocs", *sys.argv[1:]]
runpy.run_module("mkdocs", run_name="__main__")
"""


def build(project: Path, site: Path, *, background_render: bool) -> str:
    """Build into `site`; stderr's last line: how many pages went through the child."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    setting = "" if background_render else "\n      background_render: false"
    config.write_text(text.replace("  - explainer:", "  - explainer:" + setting, 1),
                      encoding="utf-8")
    try:
        done = subprocess.run(
            [sys.executable, "-c", COUNTING_BUILD, "build", "-q", "-f", str(config),
             "-d", str(site)],
            cwd=project, capture_output=True, text=True, timeout=600,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    finally:
        config.write_text(text, encoding="utf-8")
    assert done.returncode == 0, done.stderr
    return done.stderr.strip().splitlines()[-1]


def test_a_large_site_is_the_same_rendered_either_way(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), "--actors", "100",
                    "--out", str(tmp_path)], check=True, capture_output=True, timeout=300)
    project = tmp_path / "actors-100"
    assert build(project, tmp_path / "together", background_render=True) == "delivered 150"
    assert build(project, tmp_path / "alone", background_render=False) == "delivered 0"
    assert hash_tree(tmp_path / "together") == hash_tree(tmp_path / "alone")


@pytest.mark.parametrize("failing", [
    '{% if actor.id == "putin" %}{% include "missing.html" %}{% endif %}',  # OSError
    '{% if actor.id == "putin" %}{{ actor.name.index("zzz") }}{% endif %}',  # ValueError
])
def test_a_page_failing_in_the_background_reads_as_it_would_without(
        tmp_path: Path, failing: str) -> None:
    """One actor's page fails: the same single line either way, and no 'File not found'
    or 'Encoding error' from MkDocs reading the page the child could not deliver."""
    outputs = []
    for background_render in (True, False):
        root = copy_project(tmp_path / f"project-{background_render}")
        template = root / "overrides" / "explainer" / "actor.html"
        template.parent.mkdir(parents=True, exist_ok=True)
        template.write_text(failing + "\n" + (PACKAGE_TEMPLATES / "actor.html").read_text(
            encoding="utf-8"), encoding="utf-8")
        config = root / "mkdocs.yml"
        setting = "" if background_render else "\n      background_render: false"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "  - explainer:", "  - explainer:" + setting, 1), encoding="utf-8")
        run = run_cli(root, "build", timeout=120)
        assert run.returncode == 1, run.stderr
        outputs.append(run.stderr.replace(str(root), "ROOT"))
    assert outputs[0] == outputs[1]
    [line] = [line for line in outputs[0].splitlines() if "error" in line]
    assert "actor.html" in line or "missing.html" in line, line


def test_no_thread_for_the_reader_leaves_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_thread(self) -> None:  # noqa: ANN001
        raise RuntimeError("can't start new thread")

    before = set(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(threading.Thread, "start", no_thread)
    with pytest.raises(OSError, match="no thread"):
        BackgroundRenderer([page("a", where)])
    assert set(os.listdir("/proc/self/fd")) == before
