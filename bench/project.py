"""What every bench script does first: find the project, and run with its virtual environment."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def use_project_python(*modules: str) -> None:
    """Put the project on the path; re-run the script with `.venv`'s Python if `modules` are missing."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        for module in modules:
            importlib.import_module(module)
    except ImportError:  # run with the system Python: use the project's virtual environment
        venv_python = ROOT / ".venv" / "bin" / "python"
        if venv_python.exists() and Path(sys.prefix).resolve() != venv_python.parent.parent.resolve():
            os.execv(str(venv_python), [str(venv_python), *sys.argv])
        raise
