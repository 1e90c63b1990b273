"""A real HTTP receiver on 127.0.0.1 for robot webhooks: it records every request and
answers from a script (status, body) — the last answer repeats."""

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Receiver:
    url: str
    answers: list[tuple[int, dict[str, Any]]]
    received: list[Received] = field(default_factory=list)


@contextmanager
def receiver(*answers: tuple[int, dict[str, Any]]) -> Iterator[Receiver]:
    state = Receiver(url="", answers=list(answers) or [(200, {"errcode": 0, "errmsg": "ok"})])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            parts = urllib.parse.urlsplit(self.path)
            state.received.append(
                Received(
                    path=parts.path,
                    query=dict(urllib.parse.parse_qsl(parts.query)),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=json.loads(raw.decode("utf-8")),
                )
            )
            index = min(len(state.received), len(state.answers)) - 1
            status, answer = state.answers[index]
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
