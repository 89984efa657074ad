"""A real HTTP server on 127.0.0.1 for feed tests: real sockets, redirects, headers and timing."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


# A route is a fixed reply or a function of the request; a function that answers the request itself
# (writing to ``request.wfile``) returns None.
Route = Reply | Callable[[BaseHTTPRequestHandler], Reply | None]


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.requests: list[SeenRequest] = []
        self.lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up mid-answer (a worker killed while it fetched) is no fault of the server.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.requests.append(SeenRequest(self.path, dict(self.headers.items())))
        route = self.server.routes.get(self.path)
        if route is None:
            route = Reply(b"not found", 404)
        reply = route(self) if callable(route) else route
        if reply is None:
            self.close_connection = True
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if reply.body and reply.status != 304:
            self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        return


class FeedServer:
    """Serve ``routes`` (path → ``Reply`` or a function of the request) and record every request."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def serve(self, path: str, route: Route) -> str:
        self._server.routes[path] = route
        return self.url(path)

    @property
    def requests(self) -> list[SeenRequest]:
        with self._server.lock:
            return list(self._server.requests)
