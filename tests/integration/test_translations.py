"""Every Vietnamese string of the interface has its English translation (the second locale)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def test_every_interface_string_has_an_english_translation() -> None:
    method_map = [("survey_app/**.py", "python"), ("templates/**.html", "jinja2")]
    found = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords=KEYWORDS
        )
    }
    with (ROOT / "survey_app/translations/en/LC_MESSAGES/messages.po").open("rb") as po:
        catalogue = read_po(po)
    missing = sorted(m for m in found if m and not (catalogue.get(m) and catalogue.get(m).string))
    assert not missing, missing[:10]
