"""The GitHub workflow and Dependabot configuration, checked offline, and the browser tests'
behaviour when their browser is missing.

Both files are validated against the SchemaStore schemas that check-jsonschema vendors
(no download), then held to this project's own rules: no browser from apt, actions pinned
to commits, one deployment at a time, the Pages address from configure-pages, full history
for the change gate.
"""

from __future__ import annotations

import importlib.resources
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "site.yml"
DEPENDABOT = REPO / ".github" / "dependabot.yml"

# Runs check-jsonschema's command line with every network call refused, so a schema that
# tried to fetch anything would fail the check instead of quietly going online.
OFFLINE_CHECK_JSONSCHEMA = """\
import socket
import sys


def refuse(*args, **kwargs):
    raise OSError("network access while validating against a vendored schema")


socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse

from check_jsonschema import main

sys.exit(main())
"""

PINNED_USES = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<comment>.*)$")
VERSION_COMMENT = re.compile(r"^\s+#\s+v\d+(?:\.\d+)*\s*$")
APT_INSTALLS_CHROMIUM = re.compile(r"\bapt(?:-get)?\b[^\n]*\binstall\b[^\n]*chrom", re.I)


def check_jsonschema(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", OFFLINE_CHECK_JSONSCHEMA, "--no-cache", *args],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load(WORKFLOW)


def all_steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def build_steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return workflow["jobs"]["build"]["steps"]


def action(step: dict[str, Any]) -> str:
    return step.get("uses", "").split("@")[0]


def index_of(steps: list[dict[str, Any]], matches) -> int:
    found = [number for number, step in enumerate(steps) if matches(step)]
    assert len(found) == 1, f"expected exactly one matching step, found {len(found)}"
    return found[0]


def runs(command: str):
    return lambda step: step.get("run", "").strip() == command


def uses(name: str):
    return lambda step: action(step) == name


# --------------------------------------------------------------------------- schemas


@pytest.mark.parametrize("name", ["github-workflows", "dependabot"])
def test_schemas_are_vendored_in_the_installed_package(name: str) -> None:
    vendor = importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads((vendor / f"{name}.json").read_text(encoding="utf-8"))
    assert schema["$id"].startswith("https://json.schemastore.org/")


@pytest.mark.parametrize(("schema", "path"), [("vendor.github-workflows", WORKFLOW),
                                              ("vendor.dependabot", DEPENDABOT)])
def test_file_matches_its_vendored_schema(schema: str, path: Path) -> None:
    result = check_jsonschema("--builtin-schema", schema, str(path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    stepz: []\n",
                      encoding="utf-8")
    result = check_jsonschema("--builtin-schema", "vendor.github-workflows", str(broken))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "stepz" in result.stdout


# --------------------------------------------------------------------------- workflow rules


def test_runs_once_per_change(workflow: dict[str, Any]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"push", "pull_request"}
    assert triggers["push"] == {"branches": ["main"]}


def test_no_step_installs_chromium_with_apt(workflow: dict[str, Any]) -> None:
    installing = [step.get("name", step.get("run")) for step in all_steps(workflow)
                  if APT_INSTALLS_CHROMIUM.search(step.get("run", ""))]
    assert installing == []


def test_browser_tests_use_the_runners_chrome(workflow: dict[str, Any]) -> None:
    assert workflow["jobs"]["build"]["env"]["EXPLAINER_CHROMIUM"] == "/usr/bin/google-chrome"


def test_every_action_is_pinned_to_a_commit(workflow: dict[str, Any]) -> None:
    refs = [step["uses"] for step in all_steps(workflow) if "uses" in step]
    refs += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
    assert refs, "no actions found"
    assert [ref for ref in refs if not PINNED_USES.match(ref)] == []


def test_every_pin_names_its_version() -> None:
    lines = [USES_LINE.match(line) for line in WORKFLOW.read_text("utf-8").splitlines()]
    unnamed = [found["ref"] for found in lines
               if found and not VERSION_COMMENT.match(found["comment"])]
    assert unnamed == [], "write the release after the SHA, e.g. `# v4.2.2`"


def test_one_pages_deployment_at_a_time(workflow: dict[str, Any]) -> None:
    assert workflow["jobs"]["deploy"]["concurrency"] == {"group": "pages",
                                                         "cancel-in-progress": False}


def test_builds_have_a_concurrency_group_per_ref(workflow: dict[str, Any]) -> None:
    concurrency = workflow["jobs"]["build"]["concurrency"]
    assert "github.ref" in concurrency["group"]
    assert "cancel-in-progress" in concurrency


def test_configure_pages_feeds_site_url(workflow: dict[str, Any]) -> None:
    steps = build_steps(workflow)
    pages = index_of(steps, uses("actions/configure-pages"))
    build = index_of(steps, runs("python3 build.py"))
    assert pages < build
    site_url = steps[build]["env"]["SITE_URL"]
    assert site_url == f"${{{{ steps.{steps[pages]['id']}.outputs.base_url }}}}/"


def test_checkout_fetches_the_full_history(workflow: dict[str, Any]) -> None:
    steps = build_steps(workflow)
    checkout = steps[index_of(steps, uses("actions/checkout"))]
    assert checkout["with"]["fetch-depth"] == 0


def test_dependencies_are_cached_by_the_lock(workflow: dict[str, Any]) -> None:
    steps = build_steps(workflow)
    cache = steps[index_of(steps, uses("actions/cache"))]["with"]
    assert ".venv" in cache["path"].split()
    assert "hashFiles('requirements.lock', 'pyproject.toml')" in cache["key"]


def test_steps_keep_their_order(workflow: dict[str, Any]) -> None:
    steps = build_steps(workflow)
    order = [
        index_of(steps, runs("python3 build.py check --strict --format github")),
        index_of(steps, lambda step: 'check --since "$BASE"' in step.get("run", "")),
        index_of(steps, runs("python3 build.py")),
        index_of(steps, runs("python3 build.py test")),
        index_of(steps, uses("actions/upload-pages-artifact")),
    ]
    assert order == sorted(order)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert [action(step) for step in deploy["steps"]] == ["actions/deploy-pages"]


def test_dependabot_updates_actions_and_pip_weekly() -> None:
    updates = {entry["package-ecosystem"]: entry for entry in load(DEPENDABOT)["updates"]}
    assert set(updates) == {"github-actions", "pip"}
    for entry in updates.values():
        assert entry["directory"] == "/"
        assert entry["schedule"]["interval"] == "weekly"


# --------------------------------------------------------------------------- missing browser


def run_browser_tests(ci: str | None) -> tuple[int, str]:
    """The browser tests with a browser path that does not exist, stopping at the first
    problem; CI=`ci`, or no CI variable at all when `ci` is None."""
    env = dict(os.environ, EXPLAINER_CHROMIUM="/nonexistent")
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("CI", None)
    if ci is not None:
        env["CI"] = ci
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "tests/browser"],
        cwd=REPO, capture_output=True, text=True, timeout=300, env=env,
    )
    return result.returncode, result.stdout + result.stderr


def test_missing_browser_fails_in_ci() -> None:
    returncode, output = run_browser_tests("true")
    assert returncode == 1, output
    summary = output.strip().splitlines()[-1]
    assert "1 error" in summary and "skipped" not in summary, output
    assert "EXPLAINER_CHROMIUM=/nonexistent" in output
    assert "CI is set" in output


def test_missing_browser_skips_outside_ci() -> None:
    returncode, output = run_browser_tests(None)
    assert returncode == 0, output
    summary = output.strip().splitlines()[-1]
    assert "skipped" in summary and "error" not in summary and "failed" not in summary, output
    assert "EXPLAINER_CHROMIUM=/nonexistent" in output
