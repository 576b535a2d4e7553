"""Suite-wide guard: never test a compiled module older than its source.

The tiny test election (``tests/count/tiny.py``) is shared by the count, publish and command
tests: its folder is put on the import path here, so every test imports it as ``tiny``.
"""

import sys
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "saylau"
sys.path.insert(0, str(Path(__file__).resolve().parent / "count"))


def pytest_sessionstart(session: pytest.Session) -> None:
    for compiled in SOURCE.rglob("*.so"):
        source = compiled.with_name(compiled.name.split(".")[0] + ".py")
        if source.exists() and source.stat().st_mtime > compiled.stat().st_mtime:
            pytest.exit(
                f"{compiled.name} is older than {source.name}: the tests would run stale"
                " compiled code. Rebuild with `make test` (or `.venv/bin/pip install -e .`),"
                " or install pure Python with SAYLAU_PURE=1.",
                returncode=2,
            )
