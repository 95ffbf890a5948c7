"""A Bot API on loopback whose answers a test chooses per method, for faults at start and while running."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def fixed_bot_api(status: int, body: dict[str, Any]) -> Iterator[str]:
    """Serve ``body`` with ``status`` for every path; yields the base URL (``…/bot``)."""
    with scripted_bot_api(lambda method: (status, body)) as url:
        yield url


@contextmanager
def scripted_bot_api(answer: Callable[[str], tuple[int, dict[str, Any]]]) -> Iterator[str]:
    """``answer(method)`` gives (status, body) for each request; yields the base URL (``…/bot``)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            status, body = answer(self.path.rsplit("/", 1)[-1])
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
        server.server_close()


def unused_port() -> int:
    """A loopback port nothing listens on (just released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
