"""`build.py test`: make sure the browser is there, then run pytest.

The browser tests and scripts/lighthouse.py drive the binary `chromium_path()` names:
Debian's Chromium at /usr/bin/chromium, or whatever Chromium or Chrome
`EXPLAINER_CHROMIUM` points at (a path or a command on PATH). Only Debian's Chromium is
ever installed here, with apt-get, and only as root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ENV = "EXPLAINER_CHROMIUM"
# Flags of every headless Chromium the project starts: no window, no sandbox (it runs as
# root in containers), and no traffic of the browser's own.
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run")


def wanted_chromium() -> str:
    """The browser asked for: $EXPLAINER_CHROMIUM, else Debian's Chromium."""
    return os.environ.get(CHROMIUM_ENV, "").strip() or DEFAULT_CHROMIUM


def chromium_path() -> str:
    """The browser the tests launch: the wanted one, resolved on PATH when it is a bare
    command name."""
    wanted = wanted_chromium()
    return shutil.which(wanted) or wanted


def in_ci() -> bool:
    """True on a CI service (GitHub Actions, like most, sets CI=true)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_browser() -> str | None:
    """Why the browser tests cannot start a browser, with the fix; None when they can."""
    wanted = wanted_chromium()
    if shutil.which(wanted):
        return None
    if wanted == DEFAULT_CHROMIUM:
        return (f"browser tests need Chromium at {DEFAULT_CHROMIUM}: install Debian's package "
                f"(`sudo apt-get install chromium`) or set {CHROMIUM_ENV} to a Chromium or "
                "Chrome binary")
    return (f"browser tests need a browser at {CHROMIUM_ENV}={wanted}, which is not an "
            f"executable file: point {CHROMIUM_ENV} at a Chromium or Chrome binary, or unset "
            f"it to use Debian's Chromium at {DEFAULT_CHROMIUM}")


def _may_install_debian_chromium() -> bool:
    return (wanted_chromium() == DEFAULT_CHROMIUM and os.geteuid() == 0
            and shutil.which("apt-get") is not None)


def _install_debian_chromium() -> None:
    print("build.py test: installing Chromium (apt-get install chromium)", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
                   check=False, env=env)


def ensure_chromium() -> None:
    """Install Debian's Chromium when it is the browser wanted, missing, and we may;
    otherwise say what to do."""
    if os.environ.get("EXPLAINER_SKIP_BROWSER") or missing_browser() is None:
        return
    if _may_install_debian_chromium():
        _install_debian_chromium()
    problem = missing_browser()
    if problem is None:
        return
    outcome = "they will fail (CI is set)" if in_ci() else "they will be skipped"
    print(f"build.py test: {problem}; {outcome}", file=sys.stderr)


def run_tests(pytest_args: list[str]) -> int:
    ensure_chromium()
    return subprocess.call([sys.executable, "-m", "pytest", *pytest_args])
