"""A real HTTP server on 127.0.0.1 for feed tests: real sockets, redirects, headers and timing."""

from __future__ import annotations

import contextlib
import socket
import ssl
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

# A self-signed certificate for 127.0.0.1 (valid until 2126); a client that trusts it (SSL_CERT_FILE)
# speaks real TLS to ``FeedServer(tls=True)``.
TLS_CERTIFICATE = Path(__file__).parent / "data" / "tls" / "localhost.pem"
TLS_KEY = Path(__file__).parent / "data" / "tls" / "localhost.key"


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
    method: str = "GET"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.tls = tls
        self.routes: dict[str, Route] = {}
        self.requests: list[SeenRequest] = []
        self.lock = threading.Lock()

    def get_request(self) -> tuple[socket.socket, object]:
        connection, address = super().get_request()
        if self.tls is not None:
            # The handshake happens in the request's own thread, on its first read.
            connection = self.tls.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        return connection, address

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
            self.server.requests.append(SeenRequest(self.path, dict(self.headers.items()), self.command))
        if self.command not in ("GET", "HEAD"):
            # A body sent along is read and dropped, so the connection stays in step.
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
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
        if reply.body and reply.status != 304 and self.command != "HEAD":
            self.wfile.write(reply.body)

    # Every method is answered and recorded alike: a server that stands for a third party sees a form's
    # POST or a browser's preflight too.
    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: object) -> None:
        return


class FeedServer:
    """Serve ``routes`` (path → ``Reply`` or a function of the request) and record every request, whatever
    its method.

    With ``tls`` it speaks https, with the certificate in ``TLS_CERTIFICATE``.
    """

    def __init__(self, *, tls: bool = False) -> None:
        context = None
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(TLS_CERTIFICATE, TLS_KEY)
        self._server = _Server(context)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        scheme = "https" if self._server.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def serve(self, path: str, route: Route) -> str:
        self._server.routes[path] = route
        return self.url(path)

    @property
    def requests(self) -> list[SeenRequest]:
        with self._server.lock:
            return list(self._server.requests)


class RawServer:
    """A TCP server on 127.0.0.1 that hands each connection to ``answer``, for answers no HTTP server
    would send (headers one byte at a time, say). ``stopping`` is set when the test is over."""

    def __init__(self, answer: Callable[[socket.socket, threading.Event], None]) -> None:
        self._answer = answer
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self) -> RawServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def url(self, path: str) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}{path}"

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _address = self._listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError), connection:
            connection.settimeout(5)
            self._answer(connection, self.stopping)
