"""Small real PDFs written byte by byte (pypdf reads text well but cannot lay it out), and
variants pypdf makes of them: encrypted copies."""

from __future__ import annotations

import io
import textwrap
import zlib
from collections.abc import Sequence

IMAGE = b"\x00\xff\xff\x00"  # a 2x2 grey image: a page with a picture and no text


def wrapped(paragraphs: Sequence[str], width: int = 80) -> list[str]:
    """The lines of ``paragraphs`` as a page would set them, a blank line between two."""
    lines: list[str] = []
    for paragraph in paragraphs:
        if lines:
            lines.append("")
        lines.extend(textwrap.wrap(paragraph, width))
    return lines


def text_pdf(
    pages: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    author: str | None = None,
    creation_date: str | None = None,
) -> bytes:
    """A PDF whose pages show these lines in Helvetica, top down; an empty line is a gap."""
    contents = [_text_stream(lines) for lines in pages]
    info: dict[str, str] = {}
    if title is not None:
        info["Title"] = title
    if author is not None:
        info["Author"] = author
    if creation_date is not None:
        info["CreationDate"] = creation_date
    return _document(contents, info)


def image_pdf(pages: int = 1) -> bytes:
    """A scan: pages holding only an image, no text layer."""
    draw = b"q 400 0 0 400 100 300 cm /Im1 Do Q"
    return _document([draw] * pages, {}, image=True)


def blank_pdf(pages: int = 1) -> bytes:
    return _document([b""] * pages, {})


def encrypted(pdf: bytes, user_password: str, owner_password: str = "owner") -> bytes:
    """``pdf`` encrypted by pypdf: an empty user password opens it without asking."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _literal(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _text_stream(lines: Sequence[str]) -> bytes:
    out = [b"BT /F1 11 Tf 14 TL 72 750 Td"]
    for line in lines:
        out.append(_literal(line) + b" Tj T*" if line else b"T*")
    out.append(b"ET")
    return b"\n".join(out)


def _document(contents: Sequence[bytes], info: dict[str, str], image: bool = False) -> bytes:
    """Catalog 1, pages 2, font 3, image 4, info 5, then each page and its content stream."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        4: _stream(
            b"/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8",
            IMAGE,
        ),
        5: b"<< "
        + b" ".join(b"/" + k.encode() + b" " + _literal(v) for k, v in info.items())
        + b" >>",
    }
    resources = (
        b"<< /Font << /F1 3 0 R >> /XObject << /Im1 4 0 R >> >>"
        if image
        else (b"<< /Font << /F1 3 0 R >> >>")
    )
    kids = []
    for i, content in enumerate(contents):
        page, stream = 6 + 2 * i, 7 + 2 * i
        kids.append(f"{page} 0 R".encode())
        objects[page] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
            + resources
            + f" /Contents {stream} 0 R >>".encode()
        )
        objects[stream] = _stream(b"/Filter /FlateDecode", zlib.compress(content))
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + f"] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for number in range(1, size):
        out += f"{offsets[number]:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {size} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def _stream(entries: bytes, data: bytes) -> bytes:
    head = b"<< " + entries + (b" " if entries else b"") + f"/Length {len(data)} >>".encode()
    return head + b"\nstream\n" + data + b"\nendstream"
