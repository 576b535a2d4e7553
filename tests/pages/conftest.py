"""The public pages over the tiny election of ``tests/count/tiny.py``, served by
``pages_router(DirectorySource(...))``: in-process for the HTTP tests, and on a loopback port
(uvicorn in a thread) for the browser tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from pages_helpers import client_of, election_directory, pages_app

STARTUP_LIMIT = 60
"""Seconds to wait for the server to listen before giving up (a guard, not a measure)."""


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    """The pages over the tiny election, every protocol accepted."""
    return client_of(election_directory(tmp_path))


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The pages over the tiny election on a free loopback port; yields the base URL."""
    directory = election_directory(tmp_path_factory.mktemp("served"))
    config = uvicorn.Config(pages_app(directory), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    pause = threading.Event()
    deadline = time.monotonic() + STARTUP_LIMIT
    while thread.is_alive() and not server.started and time.monotonic() < deadline:
        pause.wait(0.05)
    if not server.started:
        server.should_exit = True
        pytest.fail(f"the page server did not start within {STARTUP_LIMIT} s")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        listening.close()
