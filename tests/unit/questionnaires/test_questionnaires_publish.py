"""Content hash and the published-instrument registry."""

from __future__ import annotations

import dataclasses

import pytest
from questionnaires_testdata import base_definition

from questionnaires import (
    InstrumentRegistry,
    PublishedInstrument,
    PublishedInstrumentChangedError,
    PublishStatus,
    builtin_instruments,
    instrument_from_data,
)


def test_hash_is_stable_across_loads_and_formatting() -> None:
    a = instrument_from_data(base_definition())
    data = base_definition()
    data["sections"][0]["questions"][6]["show_if"] = "q.choice=='b'"
    data["sections"][0]["questions"][4]["max"] = 10.0
    b = instrument_from_data(data)
    assert a.content_hash == b.content_hash
    assert len(a.content_hash) == 64


def test_canonical_form_is_deterministic_and_renders_conditions() -> None:
    instrument = instrument_from_data(base_definition())
    again = instrument_from_data(base_definition())
    assert instrument.canonical() == again.canonical()
    assert instrument.canonical()["sections"][0]["questions"][6]["show_if"] == (  # type: ignore[index]
        'q.choice == "b"'
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["title"].update(en="Other title"),
        lambda d: d["sections"][0]["questions"][0]["options"][0]["label"].update(vi="Á"),
        lambda d: d["sections"][0]["questions"][1].update(points=2),
        lambda d: d["sections"][0]["questions"][6].update(show_if='q.choice == "a"'),
        lambda d: d["sections"][0]["questions"][5].update(required=True),
    ],
)
def test_hash_changes_with_content(change: object) -> None:
    data = base_definition()
    change(data)  # type: ignore[operator]
    assert (
        instrument_from_data(data).content_hash
        != instrument_from_data(base_definition()).content_hash
    )


def test_builtin_hashes_are_distinct() -> None:
    hashes = [i.content_hash for i in builtin_instruments().values()]
    assert len(set(hashes)) == len(hashes)


def test_registry_refuses_a_changed_definition_under_a_published_version() -> None:
    original = instrument_from_data(base_definition())
    registry = InstrumentRegistry().publish(original)
    assert registry.status(original) is PublishStatus.UNCHANGED
    assert registry.publish(original) is registry
    data = base_definition()
    data["title"]["en"] = "Edited"
    edited = instrument_from_data(data)
    assert registry.status(edited) is PublishStatus.CHANGED
    with pytest.raises(PublishedInstrumentChangedError, match="publish it under a new version"):
        registry.publish(edited)
    bumped = dataclasses.replace(edited, version="2")
    assert registry.status(bumped) is PublishStatus.NEW
    assert len(registry.publish(bumped).entries) == 2


def test_registry_from_stored_rows() -> None:
    original = instrument_from_data(base_definition())
    rows = [PublishedInstrument("demo", "1", original.content_hash)]
    assert InstrumentRegistry.of(rows).status(original) is PublishStatus.UNCHANGED
    with pytest.raises(PublishedInstrumentChangedError):
        InstrumentRegistry.of(rows + [PublishedInstrument("demo", "1", "0" * 64)])
