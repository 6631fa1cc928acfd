"""Small instrument definitions built in memory for the questionnaires tests (a uniquely
named helper module, since several test folders each have a conftest.py)."""

from __future__ import annotations

import copy
from typing import Any


def t(vi: str, en: str | None = None) -> dict[str, str]:
    """A localized text mapping."""
    return {"vi": vi, "en": en or f"{vi} (en)"}


BASE: dict[str, Any] = {
    "code": "demo",
    "version": "1",
    "title": t("Phiếu thử", "Demo form"),
    "groups": ["citizen"],
    "rated_unit": "commune",
    "campaign_kinds": ["sipas"],
    "estimated_minutes": 5,
    "intro": t("Giới thiệu", "Intro"),
    "confidentiality": t("Bảo mật", "Confidential"),
    "sections": [
        {
            "id": "main",
            "title": t("Chính", "Main"),
            "questions": [
                {
                    "id": "q.choice",
                    "type": "single_choice",
                    "text": t("Chọn"),
                    "options": [{"value": "a", "label": t("A")}, {"value": "b", "label": t("B")}],
                },
                {
                    "id": "q.rating",
                    "type": "rating4",
                    "text": t("Đánh giá"),
                    "criterion": "3.4.1",
                    "points": 1,
                },
                {
                    "id": "q.likert",
                    "type": "likert5",
                    "text": t("Hài lòng"),
                    "satisfaction": True,
                    "element": "access",
                },
                {
                    "id": "q.multi",
                    "type": "multiple_choice",
                    "text": t("Nhiều"),
                    "min_selections": 1,
                    "max_selections": 2,
                    "options": [
                        {"value": "x", "label": t("X")},
                        {"value": "y", "label": t("Y")},
                        {"value": "z", "label": t("Z")},
                    ],
                },
                {
                    "id": "q.number",
                    "type": "number",
                    "text": t("Số"),
                    "min": 1,
                    "max": 10,
                    "integer": True,
                },
                {
                    "id": "q.short",
                    "type": "short_text",
                    "text": t("Ngắn"),
                    "max_length": 5,
                    "required": False,
                },
                {
                    "id": "q.long",
                    "type": "long_text",
                    "text": t("Dài"),
                    "required": False,
                    "show_if": 'q.choice == "b"',
                },
            ],
        }
    ],
}


def base_definition() -> dict[str, Any]:
    """A fresh deep copy of the demo definition."""
    return copy.deepcopy(BASE)
