"""Build hook: compile the hot allocation modules with mypyc (pure Python if unavailable).

The compiled modules are the same source, type-checked and translated to C by mypyc. Set
``SAYLAU_PURE=1`` to install pure Python only. Metadata lives in pyproject.toml.
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
