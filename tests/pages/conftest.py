"""The public pages over the tiny election of ``tests/count/tiny.py``, served by
``pages_router(DirectorySource(...))``: in-process for the HTTP tests, and on a loopback port
(uvicorn in a thread) for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pages_helpers import client_of, election_directory, pages_app

from browsing import serving


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    """The pages over the tiny election, every protocol accepted."""
    return client_of(election_directory(tmp_path))


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The pages over the tiny election on a free loopback port; yields the base URL."""
    directory = election_directory(tmp_path_factory.mktemp("served"))
    with serving(pages_app(directory)) as url:
        yield url
