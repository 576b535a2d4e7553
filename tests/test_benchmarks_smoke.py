"""The benchmarks run end to end in their quick modes (no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_quick(script: str) -> str:
    """Run ``benchmarks/<script> --quick``; its output, after checking it succeeded."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_allocation_benchmark_quick() -> None:
    pytest.importorskip("votelib")
    out = run_quick("allocation.py")
    assert "votelib/saylau" in out
    assert "allocations" in out


def test_compensatory_benchmark_quick() -> None:
    pytest.importorskip("votelib")
    out = run_quick("compensatory.py")
    assert "both: 736 seats" in out
    assert "votelib/saylau" in out


def test_count_benchmark_quick() -> None:
    out = run_quick("count.py")
    assert "us/protocol" in out
    assert "'Amanat': 40" in out


def test_service_benchmark_quick() -> None:
    out = run_quick("service.py")
    assert "acknowledged in" in out
    assert "acknowledged but lost: 0" in out
    assert "crash test: PASSED" in out
