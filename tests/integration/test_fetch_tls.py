"""HTTPS through the safe fetcher: it connects to the address it checked, yet verifies the
certificate against the link's own host name (SNI), so pinning the address costs no safety."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator

import httpx
import pytest
import trustme

from bot.errors import FetchError, TransientFetchError
from bot.extraction.fetch import SafeFetcher


class Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = f"<html><body><p>host={self.headers.get('Host')}</p></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def tls() -> Iterator[tuple[int, trustme.CA]]:
    ca = trustme.CA()
    cert = ca.issue_cert("news.example")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], ca
    server.shutdown()
    server.server_close()


def fetcher(ca: trustme.CA) -> SafeFetcher:
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    # The name resolves to 127.0.0.1, which only the allowlist lets through.
    return SafeFetcher(
        allowlist=["127.0.0.1"],
        resolver=lambda host, port: ["127.0.0.1"],
        transport=httpx.HTTPTransport(verify=client_context),
    )


def test_https_pages_are_fetched_with_the_links_host_name(tls):
    port, ca = tls
    f = fetcher(ca)
    try:
        page = f.fetch(f"https://news.example:{port}/story")
    finally:
        f.close()
    assert f"host=news.example:{port}" in page.html


def test_a_certificate_for_another_host_is_refused_for_good(tls):
    port, ca = tls
    f = fetcher(ca)
    try:
        with pytest.raises(FetchError, match="certificate is not valid") as caught:
            f.fetch(f"https://other.example:{port}/story")
    finally:
        f.close()
    assert not isinstance(caught.value, TransientFetchError), "a bad certificate is not retried"
