"""The publish tests build their counts from the tiny election of ``tests/count/tiny.py``."""

import sys
from pathlib import Path

COUNT_TESTS = str(Path(__file__).resolve().parent.parent / "count")
if COUNT_TESTS not in sys.path:
    sys.path.insert(0, COUNT_TESTS)
