"""`build.py test`: make sure the browser is there, then run pytest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def ensure_chromium() -> None:
    """Install Debian's Chromium when missing and we may; otherwise say what to do."""
    if os.path.exists(CHROMIUM) or os.environ.get("EXPLAINER_SKIP_BROWSER"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("build.py test: installing Chromium (apt-get install chromium)", file=sys.stderr)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                        "chromium"], check=False, env=env)
    if not os.path.exists(CHROMIUM):
        print("build.py test: browser tests need Chromium at /usr/bin/chromium; install it "
              "with `sudo apt-get install chromium` and run the tests again", file=sys.stderr)


def run_tests(pytest_args: list[str]) -> int:
    ensure_chromium()
    return subprocess.call([sys.executable, "-m", "pytest", *pytest_args])
