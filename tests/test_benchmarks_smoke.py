"""The benchmarks run end to end in their quick modes (no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_allocation_benchmark_quick() -> None:
    pytest.importorskip("votelib")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "allocation.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "votelib/saylau" in done.stdout
    assert "allocations" in done.stdout


def test_compensatory_benchmark_quick() -> None:
    pytest.importorskip("votelib")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "compensatory.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "both: 736 seats" in done.stdout
    assert "votelib/saylau" in done.stdout


def test_count_benchmark_quick() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "count.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "us/protocol" in done.stdout
    assert "'Amanat': 40" in done.stdout or '"Amanat": 40' in done.stdout
