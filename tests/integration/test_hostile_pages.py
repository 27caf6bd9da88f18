"""The safe fetcher against a hostile web server on 127.0.0.1: compression bombs, stacked
and unknown encodings, headers or bodies sent a byte at a time, a server that never
answers, bodies past the cap and a page just under it.

Each case runs the fetch in a child process, which reports the user-facing reason, how long
the fetch took and how much the fetch raised its peak memory, so a bomb that would take the
machine's memory shows as that process's growth and not as this one's.
"""

from __future__ import annotations

import gzip
import json
import socket
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.errors import FetchError
from bot.extraction.fetch import SafeFetcher

pytestmark = pytest.mark.slow

DEADLINE = 2.0  # the fetcher's total deadline in these tests (20 s in production)
CAP = 2_000_000  # its size cap (5 MB in production)
SLACK = 3.0  # seconds past the deadline a refused fetch may take
MAX_GROWTH_MB = 60  # what one fetch may add to its process's peak memory
ROOT = Path(__file__).resolve().parents[2]

Handler = Callable[[socket.socket, threading.Event], None]

CHILD = r"""
import json, sys, time

def status_mb(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    raise LookupError(field)

import trafilatura  # imported before the baseline: its import is not the page's cost
from bot.errors import FetchError
from bot.extraction.fetch import SafeFetcher
from bot.extraction.html import ArticleReader

url, timeout, cap, read = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
fetcher = SafeFetcher(allowlist=["127.0.0.1"], timeout=timeout, max_bytes=cap)
out = {}
before = status_mb("VmRSS:")
start = time.monotonic()
try:
    page = fetcher.fetch(url)
    out["html_chars"] = len(page.html)
    out["fetch_seconds"] = time.monotonic() - start
    if read == "read":
        content = ArticleReader().read(page)
        out["quality"], out["text_chars"] = str(content.quality), len(content.text)
except FetchError as exc:
    out["error"], out["reason"] = type(exc).__name__, str(exc)
out["seconds"] = time.monotonic() - start
out["growth_mb"] = status_mb("VmHWM:") - before
print(json.dumps(out))
"""


class RawServer:
    """A TCP server on 127.0.0.1 that reads each request's head and hands the socket to
    the handler for its path, which writes whatever bytes it likes, as slowly as it likes."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.stopped = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}{path}"

    def add(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url(path)

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            head = b""
            try:
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    data = conn.recv(4096)
                    if not data:
                        return
                    head += data
                path = head.split(b" ", 2)[1].decode()
                self.routes[path](conn, self.stopped)
            except (OSError, IndexError, KeyError):
                pass

    def __enter__(self) -> RawServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.listener.close()


def head(*headers: str, status: str = "200 OK") -> bytes:
    lines = [f"HTTP/1.1 {status}", "Connection: close", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def answer(body: bytes, *headers: str) -> Handler:
    def handler(conn: socket.socket, stopped: threading.Event) -> None:
        hdrs = ("Content-Type: text/html; charset=utf-8", f"Content-Length: {len(body)}")
        conn.sendall(head(*hdrs, *headers) + body)

    return handler


def trickle(prefix: bytes, byte: bytes, every: float, *, limit: float = 40.0) -> Handler:
    """Sends ``prefix``, then ``byte`` once every ``every`` seconds for up to ``limit`` s."""

    def handler(conn: socket.socket, stopped: threading.Event) -> None:
        conn.sendall(prefix)
        for _ in range(int(limit / every)):
            if stopped.wait(every):
                return
            conn.sendall(byte)

    return handler


def silent(conn: socket.socket, stopped: threading.Event) -> None:
    stopped.wait(40)


def gzipped(size: int, byte: bytes = b" ") -> bytes:
    """``size`` bytes of ``byte`` in gzip, compressed a megabyte at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    mb = byte * 1_000_000
    parts = [packer.compress(b"<html><body><p>")]
    parts += [packer.compress(mb) for _ in range(size // 1_000_000)]
    return b"".join([*parts, packer.flush()])


@pytest.fixture(scope="module")
def server() -> Iterator[RawServer]:
    with RawServer() as s:
        yield s


def fetch_in_child(url: str, *, read: bool = False, cap: int = CAP) -> dict[str, object]:
    args = [url, str(DEADLINE), str(cap), "read" if read else "fetch"]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def assert_refused(result: dict[str, object], reason: str) -> None:
    assert reason in str(result.get("reason")), result
    assert float(str(result["seconds"])) < DEADLINE + SLACK, result
    assert float(str(result["growth_mb"])) < MAX_GROWTH_MB, result


def test_a_body_compressed_twice_is_refused_without_decompressing_it(server):
    inner = gzipped(300_000_000)  # 300 MB of spaces in about 300 kB...
    outer = gzip.compress(inner, 9)  # ...and those in a few kB
    assert len(outer) < 20_000
    url = server.add("/double-gzip", answer(outer, "Content-Encoding: gzip, gzip"))
    assert_refused(fetch_in_child(url), "compressed more than once (gzip, gzip)")


def test_a_gzip_bomb_is_cut_at_the_size_cap_with_little_memory(server):
    bomb = gzipped(300_000_000)
    url = server.add("/gzip-bomb", answer(bomb, "Content-Encoding: gzip"))
    assert_refused(fetch_in_child(url), "larger than 2 MB")


def test_an_unknown_encoding_is_refused_by_name(server):
    body = b"<html><body><p>" + b"not really compressed " * 50 + b"</p></body></html>"
    url = server.add("/zstd", answer(body, "Content-Encoding: zstd"))
    assert_refused(fetch_in_child(url), "compressed in a way that is not read (zstd)")


def test_headers_sent_a_byte_a_second_are_cut_at_the_deadline(server):
    prefix = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: "
    url = server.add("/slow-headers", trickle(prefix, b"a", 1.0))
    assert_refused(fetch_in_child(url), f"took longer than {DEADLINE:g} s")


def test_a_body_sent_a_byte_a_second_is_cut_at_the_deadline(server):
    prefix = head("Content-Type: text/html", "Content-Length: 100000") + b"<html><body>"
    url = server.add("/slow-body", trickle(prefix, b"a", 1.0))
    assert_refused(fetch_in_child(url), f"took longer than {DEADLINE:g} s")


def test_a_server_that_accepts_and_never_answers_is_left_at_the_deadline(server):
    url = server.add("/silent", silent)
    assert_refused(fetch_in_child(url), f"took longer than {DEADLINE:g} s")


def test_a_body_past_the_cap_without_a_length_is_cut(server):
    def endless(conn: socket.socket, stopped: threading.Event) -> None:
        conn.sendall(head("Content-Type: text/html") + b"<html><body><p>")
        chunk = b"x" * 65536
        for _ in range(200):  # 13 MB
            conn.sendall(chunk)

    url = server.add("/endless", endless)
    assert_refused(fetch_in_child(url), "larger than 2 MB")


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", lambda b: gzip.compress(b)),
        ("x-gzip", lambda b: gzip.compress(b)),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b, wbits=-zlib.MAX_WBITS)),  # raw, as some send it
        ("identity", lambda b: b),
    ],
)
def test_pages_in_one_supported_encoding_are_read(server, encoding, pack):
    html = b"<html><body><p>" + "caf\u00e9 ".encode() * 20_000 + b"</p></body></html>"
    url = server.add(
        f"/ok-{encoding}-{id(pack)}", answer(pack(html), f"Content-Encoding: {encoding}")
    )
    fetcher = SafeFetcher(allowlist=["127.0.0.1"], timeout=DEADLINE, max_bytes=CAP)
    try:
        page = fetcher.fetch(url)
    finally:
        fetcher.close()
    assert page.html == html.decode()


def test_a_corrupt_compressed_body_is_refused(server):
    url = server.add("/corrupt", answer(b"\x1f\x8b\x08\x00garbage" * 10, "Content-Encoding: gzip"))
    fetcher = SafeFetcher(allowlist=["127.0.0.1"], timeout=DEADLINE, max_bytes=CAP)
    with pytest.raises(FetchError, match="compressed body is corrupt"):
        fetcher.fetch(url)
    fetcher.close()


SENTENCE = (
    "The harbour authority approved a plan on Tuesday to rebuild the old northern pier, "
    "which storms damaged beyond repair two winters ago, at a cost of twelve million euros. "
)


def test_a_page_just_under_the_cap_is_read_in_part_and_marked_partial(server):
    article = "".join(f"<p>{i}. {SENTENCE * 3}</p>\n" for i in range(2_000))  # ~1 MB of text
    links = "".join(
        f"<li><a href='/story/{i}'>Another story, number {i}</a></li>\n" for i in range(60_000)
    )
    html = f"<!doctype html><html><head><title>Pier</title></head><body><article><h1>Pier</h1>{article}</article><ul>{links}</ul></body></html>"
    body = html.encode()
    assert 4_800_000 < len(body) < 5_000_000
    url = server.add("/huge-page", answer(body))
    result = fetch_in_child(url, read=True, cap=5_000_000)
    assert result.get("html_chars") == len(body), result
    assert result["quality"] == "partial", "the stored article says it holds part of the page"
    assert 0 < int(str(result["text_chars"])) < 500_000, result
    assert float(str(result["growth_mb"])) < 200, result


def test_inline_scripts_do_not_use_up_the_bound_before_the_article():
    from bot.extraction.html import extract_article

    script = "<script>var state = " + '{"k": "' + "v" * 2_000_000 + '"};</script>'
    style = "<style>" + ".a{color:red}" * 50_000 + "</style>"
    paragraphs = "".join(f"<p>{i}. {SENTENCE}</p>" for i in range(40))
    html = f"<html><head>{script}{style}<title>Pier</title></head><body><!-- {'x' * 500_000} --><article><h1>Pier</h1>{paragraphs}</article></body></html>"
    content = extract_article(html, "https://news.example/pier")
    assert content.quality == "full"
    assert content.text.count("twelve million euros") == 40
