"""Build hook: compile the hot allocation modules with mypyc.

The compiled modules are the same source, type-checked and translated to C by mypyc (a C
compiler is needed). Set ``SAYLAU_PURE=1`` to install pure Python only; remove compiled files
left from an earlier build with ``make clean``. Metadata lives in pyproject.toml.
"""

import os

from setuptools import setup

COMPILED = [
    "src/saylau/law/methods/allocation.py",
    "src/saylau/law/methods/quota.py",
]


def compiled_modules() -> list:
    if os.environ.get("SAYLAU_PURE") == "1":
        return []
    from mypyc.build import mypycify

    return mypycify(["--config-file=", "--ignore-missing-imports", *COMPILED], opt_level="3")


setup(ext_modules=compiled_modules())
