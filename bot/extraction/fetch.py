"""A fetcher that is safe to point at any link a Slack user pastes.

Refuses non-http(s) schemes and non-public addresses (after DNS resolution, on every
redirect, connecting to the address it checked so DNS cannot change its answer), bodies
over the size cap counted after decompression (one gzip or deflate layer, decoded in
bounded pieces; stacked or unknown encodings are refused), exchanges past one total
deadline (connect, TLS, request, headers and body: every socket operation gets only what
is left of it), and anything that is neither HTML nor a PDF (a PDF is known by its content
type, or by its header when the type says only "some bytes").
"""

from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from bot.errors import FetchError, RefusedURL, TransientFetchError
from bot.extraction.deadline import Deadline, with_deadline
from bot.extraction.pdf import PDF_MAGIC, PDF_TYPE, looks_like_pdf
from bot.metrics import FETCH_SECONDS
from bot.ports import FetchedPage

HTML_TYPES = ("text/html", "application/xhtml+xml")
PDF_TYPES = (PDF_TYPE, "application/x-pdf", "application/acrobat")
# Types servers give a download they know nothing about; its first bytes tell.
GENERIC_TYPES = (
    "application/octet-stream",
    "binary/octet-stream",
    "application/download",
    "application/force-download",
    "application/x-download",
)
MAX_REDIRECTS = 5
USER_AGENT = "Briefbot/0.1 (self-hosted team briefings; +https://github.com/briefbot)"
ACCEPT_ENCODING = "gzip, deflate"
DECODERS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}
PIECE = 64 * 1024  # decompressed bytes produced at a time, so the size cap is checked in time

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"the site's name {host!r} does not resolve") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are an IPv4 address
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local use only
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated: ::a.b.c.d


def is_public(address: Address) -> bool:
    """True for a global unicast address; an IPv6 address that carries an IPv4 one (mapped,
    NAT64, 6to4, Teredo, IPv4-compatible) is as public as the IPv4 address it reaches."""
    if address.is_multicast or not address.is_global:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return True
    if address in NAT64_LOCAL:
        return False
    embedded: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        embedded.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        embedded.append(address.sixtofour)
    if address.teredo is not None:
        embedded.extend(address.teredo)
    if address in NAT64 or address in IPV4_COMPATIBLE:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return all(is_public(inner) for inner in embedded)


class Allowlist:
    """Hosts and networks that may be fetched although they are not public."""

    def __init__(self, entries: Sequence[str] = ()):
        self.hosts: set[str] = set()
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in entries:
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(entry.lower().rstrip("."))

    def allows(self, host: str, address: Address) -> bool:
        return host.lower() in self.hosts or any(address in net for net in self.networks)


class SafeFetcher:
    """Implements ``bot.ports.Fetcher``."""

    def __init__(
        self,
        *,
        allowlist: Sequence[str] = (),
        timeout: float = 20.0,
        max_bytes: int = 5_000_000,
        resolver: Resolver = system_resolver,
        transport: httpx.BaseTransport | None = None,
    ):
        self.allowlist = Allowlist(allowlist)
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.resolver = resolver
        self.deadline = Deadline()
        self.client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(min(timeout, 10.0)),
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
            transport=with_deadline(
                transport or httpx.HTTPTransport(trust_env=False), self.deadline
            ),
            trust_env=False,
        )

    def close(self) -> None:
        self.client.close()

    def fetch(self, url: str) -> FetchedPage:
        with FETCH_SECONDS.time():
            self.deadline.at = time.monotonic() + self.timeout
            try:
                for _ in range(MAX_REDIRECTS + 1):
                    page_or_next = self._fetch_once(url)
                    if isinstance(page_or_next, FetchedPage):
                        return page_or_next
                    url = page_or_next
            finally:
                self.deadline.at = None
            raise FetchError(f"the link redirects more than {MAX_REDIRECTS} times")

    def check(self, url: str) -> tuple[str, str, int]:
        """(host, checked address, port) for a URL that may be fetched; RefusedURL if not."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise RefusedURL(f"only http and https links are read, not {parts.scheme or 'this'!r}")
        host = (parts.hostname or "").rstrip(".")
        if not host:
            raise RefusedURL("the link has no host")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise RefusedURL("the link has an invalid port") from None
        addresses = [ipaddress.ip_address(a.split("%")[0]) for a in self.resolver(host, port)]
        if not addresses:
            raise FetchError(f"the site's name {host!r} does not resolve")
        for address in addresses:
            if not is_public(address) and not self.allowlist.allows(host, address):
                raise RefusedURL(
                    f"refused to fetch {host}: it points at a private or local address ({address})"
                )
        return host, str(addresses[0]), port

    def _fetch_once(self, url: str) -> FetchedPage | str:
        host, address, port = self.check(url)
        parts = urlsplit(url)
        ip_host = f"[{address}]" if ":" in address else address
        direct = urlunsplit((parts.scheme, f"{ip_host}:{port}", parts.path or "/", parts.query, ""))
        headers = {"Host": parts.netloc.rsplit("@", 1)[-1]}
        extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
        try:
            request = self.client.build_request(
                "GET", direct, headers=headers, extensions=extensions
            )
            response = self.client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            if self.deadline.passed():
                raise self._too_slow(host) from exc
            raise TransientFetchError(f"{host} did not answer in time") from exc
        except httpx.ConnectError as exc:
            if "CERTIFICATE_VERIFY_FAILED" in str(exc) or "certificate" in str(exc).lower():
                raise FetchError(f"{host}'s security certificate is not valid") from exc
            raise TransientFetchError(
                f"could not connect to {host} ({exc.__class__.__name__})"
            ) from exc
        except httpx.HTTPError as exc:
            raise TransientFetchError(
                f"could not connect to {host} ({exc.__class__.__name__})"
            ) from exc
        try:
            if response.is_redirect:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(f"{host} answered a redirect without a location")
                return urljoin(url, location)
            return self._read(url, host, response)
        finally:
            response.close()

    def _read(self, url: str, host: str, response: httpx.Response) -> FetchedPage:
        status = response.status_code
        if status == 429 or status >= 500:
            raise TransientFetchError(f"the page answered {status} {response.reason_phrase}")
        if status >= 400:
            raise FetchError(f"the page answered {status} {response.reason_phrase}")
        ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype and ctype not in (*HTML_TYPES, *PDF_TYPES, *GENERIC_TYPES):
            raise FetchError(f"the link is not a web page ({ctype})")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"the page is larger than {self.max_bytes // 1_000_000 or 1} MB")
        body = self._read_body(host, response)
        if (
            ctype in PDF_TYPES
            or body.startswith(PDF_MAGIC)
            or (ctype in ("", *GENERIC_TYPES) and looks_like_pdf(body))
        ):
            if not looks_like_pdf(body):
                raise FetchError(f"the link is not a PDF, although it says so ({ctype})")
            return FetchedPage(url=url, status=status, content_type=PDF_TYPE, html="", data=body)
        if ctype in GENERIC_TYPES:
            raise FetchError(f"the link is not a web page ({ctype})")
        html = decode_html(body, response.charset_encoding)
        if not ctype and not looks_like_html(html):
            raise FetchError("the link is not a web page (no content type, not HTML)")
        if "\x00" in html[:4096]:
            raise FetchError("the link is not a web page (binary content)")
        return FetchedPage(url=url, status=status, content_type=ctype or "text/html", html=html)

    def _read_body(self, host: str, response: httpx.Response) -> bytes:
        """The decoded body, refused past the size cap (compressed and decompressed alike)
        or the deadline."""
        too_large = FetchError(f"the page is larger than {self.max_bytes // 1_000_000 or 1} MB")
        encoding = content_encoding(response)
        received = 0

        def raw() -> Iterator[bytes]:
            nonlocal received
            for chunk in response.iter_raw():
                received += len(chunk)
                if received > self.max_bytes:
                    raise too_large
                yield chunk

        body = bytearray()
        try:
            for piece in decoded(raw(), encoding):
                body += piece
                if len(body) > self.max_bytes:
                    raise too_large
                if self.deadline.passed():
                    raise self._too_slow(host)
        except httpx.TimeoutException as exc:
            if self.deadline.passed():
                raise self._too_slow(host) from exc
            raise TransientFetchError(f"{host} stopped sending the page") from exc
        except zlib.error as exc:
            raise FetchError("the page's compressed body is corrupt") from exc
        except httpx.HTTPError as exc:
            raise TransientFetchError(
                f"the connection to {host} broke ({exc.__class__.__name__})"
            ) from exc
        return bytes(body)

    def _too_slow(self, host: str) -> TransientFetchError:
        return TransientFetchError(f"{host} took longer than {self.timeout:g} s to send the page")


def content_encoding(response: httpx.Response) -> str | None:
    """The one compression the body is in, if any; FetchError for stacked or unknown ones
    (a gzip inside a gzip turns a kilobyte into a gigabyte)."""
    layers = [
        name.strip().lower()
        for name in response.headers.get_list("content-encoding", split_commas=True)
    ]
    layers = [name for name in layers if name and name != "identity"]
    named = ", ".join(layers)[:60]
    if len(layers) > 1:
        raise FetchError(f"the page is compressed more than once ({named}), which is not read")
    if layers and layers[0] not in DECODERS:
        raise FetchError(f"the page is compressed in a way that is not read ({named})")
    return layers[0] if layers else None


def decoded(raw: Iterable[bytes], encoding: str | None) -> Iterator[bytes]:
    """``raw`` decompressed in pieces of at most ``PIECE`` bytes (zlib.error if corrupt)."""
    if encoding is None:
        yield from raw
        return
    decompressor = None
    for chunk in raw:
        if decompressor is None:
            # "deflate" is meant to be zlib-wrapped, but some servers send it raw.
            wbits = DECODERS[encoding]
            if encoding == "deflate" and not _zlib_header(chunk):
                wbits = -zlib.MAX_WBITS
            decompressor = zlib.decompressobj(wbits)
        data = chunk
        while data and not decompressor.eof:
            yield decompressor.decompress(data, PIECE)
            data = decompressor.unconsumed_tail
        if decompressor.eof:
            return
    if decompressor is not None:
        yield decompressor.flush()


def _zlib_header(chunk: bytes) -> bool:
    return len(chunk) >= 2 and chunk[0] & 0x0F == 8 and (chunk[0] << 8 | chunk[1]) % 31 == 0


def decode_html(body: bytes, charset: str | None) -> str:
    for encoding in (charset, "utf-8"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", errors="replace")


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return (
        head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head or "<head" in head
    )


class LocalFileFetcher:
    """Reads ``file://`` URLs (operator's ``briefbot ingest FILE``); others go to ``web``."""

    def __init__(self, web: SafeFetcher, *, max_bytes: int):
        self.web = web
        self.max_bytes = max_bytes

    def fetch(self, url: str) -> FetchedPage:
        if not url.startswith("file://"):
            return self.web.fetch(url)
        from urllib.request import url2pathname

        path = url2pathname(urlsplit(url).path)
        try:
            with open(path, "rb") as fh:
                body = fh.read(self.max_bytes + 1)
        except OSError as exc:
            raise FetchError(f"cannot read {path}: {exc.strerror}") from exc
        if len(body) > self.max_bytes:
            raise FetchError(f"the file is larger than {self.max_bytes // 1_000_000 or 1} MB")
        if body.startswith(PDF_MAGIC):
            return FetchedPage(url=url, status=200, content_type=PDF_TYPE, html="", data=body)
        text = decode_html(body, None)
        if "\x00" in text[:4096]:
            raise FetchError("the file is not text (binary content)")
        ctype = "text/html" if looks_like_html(text) else "text/plain"
        return FetchedPage(url=url, status=200, content_type=ctype, html=text)
