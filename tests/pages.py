"""A real web server on 127.0.0.1 for article pages, good and hostile, that counts requests."""

from __future__ import annotations

import gzip
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType


@dataclass
class Page:
    body: bytes
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_per_chunk: float = 0.0  # seconds between 1 KiB chunks: a slow server
    chunks: int = 0  # > 0: stream the body this many times (a huge page without a length)


class PageServer:
    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self.pages: dict[str, Page] = {}
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                with server._lock:
                    server.hits[path] += 1
                page = server.lookup(path)
                if page is None:
                    page = Page(b"<html><body><h1>Not found</h1></body></html>", status=404)
                self.send_response(page.status)
                if page.content_type:
                    self.send_header("Content-Type", page.content_type)
                for k, v in page.headers.items():
                    self.send_header(k, v)
                if page.chunks:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    try:
                        for _ in range(page.chunks):
                            self.wfile.write(page.body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                try:
                    if page.delay_per_chunk:
                        for i in range(0, len(page.body), 1024):
                            self.wfile.write(page.body[i : i + 1024])
                            self.wfile.flush()
                            time.sleep(page.delay_per_chunk)
                    else:
                        self.wfile.write(page.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + (path if path.startswith("/") else "/" + path)

    def add(self, path: str, body: bytes | str, **kw: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Page(data, **kw)  # type: ignore[arg-type]
        return self.url(path)

    def add_gzip(self, path: str, body: bytes) -> str:
        return self.add(path, gzip.compress(body), headers={"Content-Encoding": "gzip"})

    def lookup(self, path: str) -> Page | None:
        if path in self.pages:
            return self.pages[path]
        if self.folder is not None:
            candidate = (self.folder / path.lstrip("/")).resolve()
            if candidate.is_file() and self.folder.resolve() in candidate.parents:
                return Page(candidate.read_bytes())
        return None

    def __enter__(self) -> PageServer:
        self.thread.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
