"""A published instrument that no longer matches the shipped file is a message, not a crash."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.orm import Session

from questionnaires import builtin_instruments
from survey_app.errors import ServiceError
from survey_app.services import instruments


def test_a_changed_published_instrument_is_refused_with_its_code_and_version(
    session: Session,
) -> None:
    """ServiceError took ``code`` both as its own argument and as a message parameter, so this
    refusal raised TypeError (a 500) instead of naming the questionnaire."""
    shipped = builtin_instruments()["sipas_citizen"]
    row = instruments.publish(session, dataclasses.replace(shipped, version="1900.1"))
    with pytest.raises(ServiceError) as refused:
        instruments.load_published(session, row.id, "0" * 64)
    assert refused.value.code == "instrument_changed"
    assert "sipas_citizen" in refused.value.message("vi")
    assert "1900.1" in refused.value.message("en")
