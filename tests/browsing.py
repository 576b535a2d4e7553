"""What the browser tests share: Debian's chromium driven by Playwright (headless, never
Playwright's own download), an application served by uvicorn on a free loopback port, and
the screenshots kept as test artifacts under ``test-artifacts/screenshots/`` (ignored by git).

The browser tests are marked ``browser`` and skipped, with the reason, when
``/usr/bin/chromium`` is missing (:data:`NEEDS_CHROMIUM`).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"
STARTUP_LIMIT = 60
"""Seconds to wait for the server to listen before giving up (a guard, not a measure)."""

NEEDS_CHROMIUM = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)",
    ),
]
"""The marks of a browser test module (``pytestmark = NEEDS_CHROMIUM``)."""


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's chromium, headless, under Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """An ASGI application served by uvicorn (in a thread) on a free loopback port; yields
    its base URL, ``http://127.0.0.1:PORT``."""
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
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
    try:
        if not server.started:
            pytest.fail(f"the server did not start within {STARTUP_LIMIT} s")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join()
        listening.close()


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as ``test-artifacts/screenshots/<name>``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path
