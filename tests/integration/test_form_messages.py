"""WTForms' own messages reach a Vietnamese officer in Vietnamese (and stay English in the
English interface): "This field is required." and "Number must be between…" were shown."""

from __future__ import annotations

from flask import Flask

from survey_app.web.form_messages import VIETNAMESE


def test_a_bad_year_and_a_missing_name_are_explained_in_vietnamese(app: Flask, as_role) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    page = admin.post("/admin/campaigns/new", data={"year": "1999", "name": ""})
    text = page.get_data(as_text=True)
    assert "Số phải từ 2000 đến 2100." in text
    assert "Cần điền mục này." in text
    assert "Number must be" not in text and "This field is required" not in text


def test_the_english_interface_keeps_the_english_messages(app: Flask, as_role) -> None:  # type: ignore[no-untyped-def]
    admin = as_role("admin")
    admin.post("/locale", data={"locale": "en", "next": "/"})
    text = admin.post("/admin/campaigns/new", data={"year": "1999", "name": ""}).get_data(
        as_text=True
    )
    assert "Number must be between 2000 and 2100." in text


def test_every_wtforms_validator_message_has_a_vietnamese_one() -> None:
    import inspect
    import re

    import wtforms.fields.core
    import wtforms.fields.datetime
    import wtforms.fields.numeric
    import wtforms.validators

    messages = set()
    for module in (wtforms.validators, wtforms.fields.numeric, wtforms.fields.datetime):
        messages |= set(re.findall(r'gettext\(\s*"([^"]+)"', inspect.getsource(module)))
    used = {
        m
        for m in messages
        if m.startswith(
            ("This field is required", "Number must", "Field ", "Not a valid", "Date must")
        )
    }
    assert used - set(VIETNAMESE) == set()


def test_the_sampling_page_names_the_chance_not_the_library_detail(
    app: Flask,
    full_demo: int,
    as_role,  # type: ignore[no-untyped-def]
) -> None:
    text = as_role("admin").get(f"/sampling/?campaign={full_demo}").get_data(as_text=True)
    assert "tier=" not in text and " p=0" not in text
    assert "xác suất được chọn" in text


def test_moments_are_written_one_way_in_vietnamese(app: Flask) -> None:
    import datetime as dt

    with app.test_request_context("/"):
        rendered = app.jinja_env.from_string(
            "{{ at|datetime('short') }} · {{ at|datetime }} · {{ at|datetime('dd/MM/yyyy HH:mm') }}"
        ).render(at=dt.datetime(2026, 12, 4, 7, 5, tzinfo=dt.UTC))
    assert rendered == "04/12/2026 14:05 · 04/12/2026 14:05 · 04/12/2026 14:05"
