"""Recognising an upload by its content (magic bytes), with size and zip-bomb checks.

Runs before any parser: a file that is too large, empty, encrypted or of an unknown kind
is refused here with a typed ``IngestError``.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from survey_app.ingest.catalogue import ErrorCode, IngestError
from survey_app.ingest.table import FileType

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 400 * 1024 * 1024
_MAX_ZIP_MEMBERS = 10_000
MAX_COMPRESSION_RATIO = 100
"""Largest uncompressed / compressed ratio of a zip member over 1 MiB. Office XML packs
10-30 times; a zip bomb a thousand times or more."""
_RATIO_FLOOR = 1024 * 1024

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF", "PDF"),
    (b"Rar!", "RAR archive"),
    (b"7z\xbc\xaf", "7-Zip archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"{\\rtf", "RTF document"),
    (b"BM", "bitmap image"),
)
_TEXT_EXTENSIONS = {".csv", ".txt", ".tsv", ".tab", ""}


def _mb(size: int) -> int:
    """Bytes as whole megabytes, rounded up (what an officer reads on the message)."""
    return -(-size // (1024 * 1024))


def detect_type(
    filename: str,
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
) -> FileType:
    """The format of an upload, decided by its bytes; the name only words the error.

    Raises IngestError: too_large (over ``max_bytes``, or zip members over
    ``max_uncompressed`` bytes in total), empty_file, password_protected (an OLE compound
    file holding an EncryptionInfo stream, or an encrypted legacy file), corrupt_file,
    unsupported_type.
    """
    if len(data) > max_bytes:
        raise IngestError.of(ErrorCode.TOO_LARGE, size_mb=_mb(len(data)), limit_mb=_mb(max_bytes))
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise IngestError.of(ErrorCode.EMPTY_FILE)
    if data.startswith(_ZIP):
        return _zip_type(data, max_uncompressed)
    if data.startswith(_OLE):
        return _ole_type(data)
    for magic, kind in _OTHER_MAGIC:
        if data.startswith(magic):
            raise IngestError.of(ErrorCode.UNSUPPORTED_TYPE, kind=kind)
    if _looks_like_text(data):
        if data.lstrip()[:1] == b"<":
            raise IngestError.of(ErrorCode.UNSUPPORTED_TYPE, kind="HTML/XML")
        return FileType.CSV
    suffix = PurePath(filename).suffix.lower()
    if suffix in {".xlsx", ".xls", ".ods", ".docx", ".doc"}:
        raise IngestError.of(ErrorCode.CORRUPT_FILE, kind=suffix, detail="unknown content")
    raise IngestError.of(ErrorCode.UNSUPPORTED_TYPE, kind=suffix or "?")


def _zip_type(data: bytes, max_uncompressed: int) -> FileType:
    """xlsx, docx or ods by the members of the zip; checks the uncompressed total first."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise IngestError.of(ErrorCode.CORRUPT_FILE, kind="zip", detail=exc) from exc
    total = sum(info.file_size for info in infos)
    if total > max_uncompressed or len(infos) > _MAX_ZIP_MEMBERS:
        raise IngestError.of(
            ErrorCode.TOO_LARGE, size_mb=_mb(total), limit_mb=_mb(max_uncompressed)
        )
    if any(_bomb_like(info) for info in infos):
        raise IngestError.of(ErrorCode.TOO_COMPLEX)
    names = {info.filename for info in infos}
    if "xl/workbook.xml" in names or any(n.startswith("xl/worksheets/") for n in names):
        return FileType.XLSX
    if "word/document.xml" in names:
        return FileType.DOCX
    if "mimetype" in names and _member_head(archive, "mimetype").strip() == _ODS_MIME:
        return FileType.ODS
    if "content.xml" in names:
        raise IngestError.of(ErrorCode.UNSUPPORTED_TYPE, kind="OpenDocument (not a spreadsheet)")
    raise IngestError.of(ErrorCode.UNSUPPORTED_TYPE, kind="zip archive")


def _member_head(archive: zipfile.ZipFile, name: str) -> bytes:
    """The first bytes of a member (the ODS mimetype is 46 bytes); b"" when unreadable."""
    try:
        with archive.open(name) as member:
            return member.read(256)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return b""


def _bomb_like(info: zipfile.ZipInfo) -> bool:
    """A member whose stated size is far beyond what its compressed bytes plausibly hold."""
    if info.file_size <= _RATIO_FLOOR:
        return False
    return info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)


def _ole_type(data: bytes) -> FileType:
    """xls or doc by the stream names of an OLE compound file; encrypted OOXML is refused."""
    if "EncryptionInfo".encode("utf-16-le") in data:
        raise IngestError.of(ErrorCode.PASSWORD_PROTECTED)
    if "WordDocument".encode("utf-16-le") in data:
        return FileType.DOC
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return FileType.XLS
    raise IngestError.of(ErrorCode.UNSUPPORTED_TYPE, kind="OLE compound document")


def _looks_like_text(data: bytes) -> bool:
    """Whether the bytes are text: a UTF BOM, or no NUL and few control bytes at the start."""
    head = data[:4096]
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if utf16_without_bom(head):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13))
    return controls <= len(head) // 100


def utf16_without_bom(head: bytes) -> bool:
    """UTF-16 LE text without a BOM: NUL in nearly every odd byte and in no even byte."""
    sample = head[:512]
    if len(sample) < 4:
        return False
    odd_nuls = sample[1::2].count(0)
    return odd_nuls >= len(sample[1::2]) * 0.6 and sample[0::2].count(0) == 0
