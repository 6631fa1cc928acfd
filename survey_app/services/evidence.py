"""Evidence files (tài liệu kiểm chứng): their kind read from the bytes, kept by hash.

A unit attaches decisions, reports, screenshots and spreadsheets to its scores. A file is
accepted only when its bytes are one of the kinds an office sends (PDF, Word, Excel,
OpenDocument, PNG, JPEG) and it is within the size limit; macro-enabled Office files are
refused. The bytes are written once under their SHA-256 outside the database, never opened
or executed by the service, and handed back only as a download.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from survey_app.errors import ServiceError
from survey_app.ingest import safe_filename as plain_filename
from survey_app.persistence.enums import EvidenceKind

MEDIA_TYPES: dict[EvidenceKind, str] = {
    EvidenceKind.PDF: "application/pdf",
    EvidenceKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    EvidenceKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    EvidenceKind.DOC: "application/msword",
    EvidenceKind.XLS: "application/vnd.ms-excel",
    EvidenceKind.ODT: "application/vnd.oasis.opendocument.text",
    EvidenceKind.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    EvidenceKind.PNG: "image/png",
    EvidenceKind.JPEG: "image/jpeg",
}
"""The media type each kind is sent back with (always as an attachment)."""

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_ZIP_MEMBERS = 20_000
_ODF = {
    b"application/vnd.oasis.opendocument.text": EvidenceKind.ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": EvidenceKind.ODS,
}


@dataclass(frozen=True)
class Checked:
    """An accepted file: its kind, size and SHA-256 (hex)."""

    kind: EvidenceKind
    size: int
    sha256: str


def _mb(size: int) -> int:
    """Bytes as whole megabytes, rounded up (what an officer reads on the message)."""
    return -(-size // (1024 * 1024))


def check(data: bytes, *, max_bytes: int) -> Checked:
    """Accept the file or raise ``ServiceError``: empty, too large, of a kind not accepted,
    with macros."""
    if not data:
        raise ServiceError("evidence_empty")
    if len(data) > max_bytes:
        raise ServiceError("too_large", size_mb=_mb(len(data)), limit_mb=_mb(max_bytes))
    kind = kind_of(data)
    if kind is None:
        raise ServiceError("evidence_wrong_type")
    return Checked(kind, len(data), hashlib.sha256(data).hexdigest())


def kind_of(data: bytes) -> EvidenceKind | None:
    """The kind the bytes are (never the file's name), None for anything else."""
    head = data[:8]
    if head.startswith(b"%PDF-"):
        return EvidenceKind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return EvidenceKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return EvidenceKind.JPEG
    if head == _OLE:
        return _ole_kind(data)
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return None


def _ole_kind(data: bytes) -> EvidenceKind | None:
    """Word 97-2003 or Excel 97-2003 by the stream names in the compound file's directory;
    a file with a macro storage is refused."""
    if "_VBA_PROJECT".encode("utf-16-le") in data or "Macros".encode("utf-16-le") in data:
        raise ServiceError("evidence_macros")
    if "WordDocument".encode("utf-16-le") in data:
        return EvidenceKind.DOC
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return EvidenceKind.XLS
    return None


def _zip_kind(data: bytes) -> EvidenceKind | None:
    """Word, Excel or OpenDocument by the package's own parts (only the directory and the
    small ``mimetype`` entry are read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
            if len(infos) > _MAX_ZIP_MEMBERS:
                return None
            names = {info.filename for info in infos}
            if any(_is_macro(name) for name in names):
                raise ServiceError("evidence_macros")
            if "mimetype" in names and package.getinfo("mimetype").file_size < 200:
                return _ODF.get(package.read("mimetype").strip())
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return EvidenceKind.DOCX
    if "xl/workbook.xml" in names:
        return EvidenceKind.XLSX
    return None


def _is_macro(name: str) -> bool:
    """A package part that holds macros: VBA (Office), Excel 4 macro sheets, OpenDocument
    Basic and scripts."""
    lowered = name.lower()
    return (
        lowered.endswith("vbaproject.bin")
        or lowered.startswith(("xl/macrosheets/", "basic/", "scripts/"))
        or "/vbaproject" in lowered
    )


def path_of(root: Path, sha256: str) -> Path:
    """Where the bytes with this hash are kept (two levels, as git keeps objects)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256")
    return root / sha256[:2] / sha256


def keep(root: Path, data: bytes, checked: Checked) -> Path:
    """Write the bytes under their hash, once (the same file sent twice is kept once);
    written to a temporary file, synced and renamed, so a crash leaves no half file."""
    target = path_of(root, checked.sha256)
    if target.exists() and target.stat().st_size == checked.size:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o440)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


EXTENSIONS: dict[EvidenceKind, tuple[str, ...]] = {
    EvidenceKind.PDF: (".pdf",),
    EvidenceKind.DOCX: (".docx",),
    EvidenceKind.XLSX: (".xlsx",),
    EvidenceKind.DOC: (".doc",),
    EvidenceKind.XLS: (".xls",),
    EvidenceKind.ODT: (".odt",),
    EvidenceKind.ODS: (".ods",),
    EvidenceKind.PNG: (".png",),
    EvidenceKind.JPEG: (".jpg", ".jpeg"),
}
"""The extensions a kind is downloaded with (the first when the name has none of them)."""


def safe_filename(name: str, kind: EvidenceKind) -> str:
    """The file's own name as shown and downloaded: no folders, no control characters, at
    most 200 characters, ending in its checked kind's extension (a PDF sent as "x.html"
    downloads as "x.html.pdf" and opens as what it is)."""
    cleaned = plain_filename(name, "tai-lieu")[:190]
    if not cleaned.lower().endswith(EXTENSIONS[kind]):
        cleaned += EXTENSIONS[kind][0]
    return cleaned
