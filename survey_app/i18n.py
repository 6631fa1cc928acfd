"""Translations: Vietnamese is the source language, English a catalogue in translations/en.

The .po file is compiled to .mo under the instance folder when it is newer than the
compiled copy, so no binary file lives in git and no build step is needed. Workers starting
together may all compile: each writes its own temporary file and renames it into place, so a
reader always finds a whole catalogue.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask

SOURCE = Path(__file__).parent / "translations"


def compiled_translations_dir(app: Flask) -> Path:
    """Compile every translations/<locale>/LC_MESSAGES/messages.po that changed."""
    target = Path(app.instance_path) / "translations"
    for po_path in SOURCE.glob("*/LC_MESSAGES/messages.po"):
        mo_path = target / po_path.relative_to(SOURCE).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as src:
            catalog = read_po(src)
        _write_mo_atomically(mo_path, catalog)
    return target


def _write_mo_atomically(mo_path: Path, catalog: Catalog) -> None:
    """Compile to a temporary file unique to this call, then rename it over ``mo_path``."""
    fd, tmp = tempfile.mkstemp(dir=mo_path.parent, prefix=f".{mo_path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as dst:
            write_mo(dst, catalog)
        os.chmod(tmp, 0o644)
        os.replace(tmp, mo_path)
    except BaseException:
        os.unlink(tmp)
        raise
