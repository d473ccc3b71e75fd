"""The live preview: a one-fact edit shows up, a data error is printed and the server lives."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from explainer.localsite import free_port
from explainer.plugin.theme import THEME_DIR

from .conftest import replace_in


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(predicate, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _serve(project: Path, port: int, log: Path) -> subprocess.Popen:
    """`serve` on 127.0.0.1:port, its output going to `log`."""
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "explainer.cli", "--root", str(project), "serve",
             "--dev-addr", f"127.0.0.1:{port}"], stdout=output, stderr=subprocess.STDOUT)


def test_serve_reloads_on_data_edit_and_survives_errors(project: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/actors/rubio/"
    log = project / "serve.log"
    server = _serve(project, port, log)
    try:
        assert _wait_for(lambda: "Marco Rubio" in _get(url)), log.read_text()
        replace_in(project / "data" / "actors.yaml", "name: Marco Rubio",
                   "name: Marco Rubio Jr Test")
        assert _wait_for(lambda: "Marco Rubio Jr Test" in _get(url)), log.read_text()
        replace_in(project / "data" / "actors.yaml", "- id: rubio", "- id: rubio\n  bogus: 1")
        assert _wait_for(lambda: "unknown field 'bogus'" in log.read_text()), log.read_text()
        assert server.poll() is None, "the preview server exited on a data error"
        assert "Traceback" not in log.read_text()
        assert "Marco Rubio Jr Test" in _get(url)  # the last good pages are still served
        replace_in(project / "data" / "actors.yaml", "- id: rubio\n  bogus: 1", "- id: rubio")
        replace_in(project / "data" / "actors.yaml", "Marco Rubio Jr Test", "Marco Rubio Fixed")
        assert _wait_for(lambda: "Marco Rubio Fixed" in _get(url)), log.read_text()
        # A bad reference in a section: the error is printed, the preview keeps its pages.
        replace_in(project / "content" / "behind-closed-doors.md", "[[actor:rubio]]",
                   "[[actor:rubiox]]")
        assert _wait_for(lambda: "unknown actor 'rubiox'" in log.read_text()), log.read_text()
        assert "Marco Rubio Fixed" in _get(url)
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_survives_a_broken_mkdocs_yml_and_template(project: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/actors/rubio/"
    log = project / "serve.log"
    config = project / "mkdocs.yml"
    # A site override of the explainer's main.html, broken and mended while serving.
    template = project / "overrides" / "main.html"
    template.write_text((THEME_DIR / "main.html").read_text())
    good_config, good_template = config.read_text(), template.read_text()
    server = _serve(project, port, log)
    try:
        assert _wait_for(lambda: "Marco Rubio" in _get(url)), log.read_text()
        config.write_text(good_config + "theme: [\n")
        assert _wait_for(lambda: "mkdocs.yml:" in log.read_text()), log.read_text()
        assert "Marco Rubio" in _get(url), "the last good preview is no longer served"
        config.write_text(good_config)
        template.write_text(good_template + "\n{% if %}\n")
        assert _wait_for(lambda: "overrides/main.html:" in log.read_text()), log.read_text()
        assert "template syntax" in log.read_text()
        assert "Marco Rubio" in _get(url)
        template.write_text(good_template)
        replace_in(project / "data" / "actors.yaml", "name: Marco Rubio",
                   "name: Marco Rubio Restored")
        assert _wait_for(lambda: "Marco Rubio Restored" in _get(url)), log.read_text()
        assert server.poll() is None
        assert "Traceback" not in log.read_text(), log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=10)
