"""The package type-checks: mypy, as set up in pyproject.toml ([tool.mypy]), reports no
error. A missing mypy fails this test: it is pinned in requirements.lock."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO


def test_mypy_reports_no_errors() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, (
        f"mypy exited with {result.returncode}:\n{result.stdout}{result.stderr}")
