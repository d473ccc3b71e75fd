"""Re-run a bench script under the project's .venv when started with another Python."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent.parent / ".venv"


def reexec_in_venv(*needed: str) -> None:
    """Replace this process with .venv's Python when a needed module is missing here."""
    if all(importlib.util.find_spec(name) is not None for name in needed):
        return
    python = VENV / "bin" / "python"
    if python.exists() and Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(python), [str(python), *sys.argv])
    sys.exit(f"{sys.argv[0]}: needs {', '.join(needed)}; run `python3 build.py` once first")
