"""A published instrument that no longer matches the shipped file is a message, not a crash."""

from __future__ import annotations

import pytest

from survey_app.errors import ServiceError
from survey_app.services import instruments


def test_a_changed_published_instrument_is_refused_with_its_code_and_version() -> None:
    """ServiceError took ``code`` both as its own argument and as a message parameter, so this
    refusal raised TypeError (a 500) instead of naming the questionnaire."""
    with pytest.raises(ServiceError) as refused:
        instruments.load_published("sipas_citizen", "1900.1", "0" * 64)
    assert refused.value.code == "instrument_changed"
    assert "sipas_citizen" in refused.value.message("vi")
    assert "1900.1" in refused.value.message("en")
