"""Guarding the rule "a published instrument never changes".

The form service keeps (code, version, content hash) of every published instrument in its
database, builds an ``InstrumentRegistry`` from those rows and asks it before publishing: the
same definition again is a no-op, a changed definition under the same version is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from questionnaires.errors import PublishedInstrumentChangedError
from questionnaires.model import Instrument


class PublishStatus(StrEnum):
    """What publishing an instrument would mean."""

    NEW = "new"
    UNCHANGED = "unchanged"
    CHANGED = "changed"


@dataclass(frozen=True)
class PublishedInstrument:
    """A published (code, version) and the content hash it was published with."""

    code: str
    version: str
    content_hash: str


@dataclass(frozen=True)
class InstrumentRegistry:
    """An immutable set of published instruments keyed by (code, version)."""

    entries: Mapping[tuple[str, str], str] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, published: Iterable[PublishedInstrument]) -> InstrumentRegistry:
        """A registry from stored rows; conflicting rows for one (code, version) raise."""
        entries: dict[tuple[str, str], str] = {}
        for row in published:
            key = (row.code, row.version)
            if key in entries and entries[key] != row.content_hash:
                raise PublishedInstrumentChangedError(
                    row.code, row.version, entries[key], row.content_hash
                )
            entries[key] = row.content_hash
        return cls(MappingProxyType(entries))

    def status(self, instrument: Instrument) -> PublishStatus:
        """Whether the instrument is new, already published as is, or a changed definition."""
        known = self.entries.get((instrument.code, instrument.version))
        if known is None:
            return PublishStatus.NEW
        return (
            PublishStatus.UNCHANGED if known == instrument.content_hash else PublishStatus.CHANGED
        )

    def publish(self, instrument: Instrument) -> InstrumentRegistry:
        """The registry with the instrument added; raises PublishedInstrumentChangedError if a
        different definition is already published under its (code, version)."""
        status = self.status(instrument)
        if status is PublishStatus.CHANGED:
            key = (instrument.code, instrument.version)
            raise PublishedInstrumentChangedError(
                instrument.code, instrument.version, self.entries[key], instrument.content_hash
            )
        if status is PublishStatus.UNCHANGED:
            return self
        entries = dict(self.entries)
        entries[(instrument.code, instrument.version)] = instrument.content_hash
        return InstrumentRegistry(MappingProxyType(entries))
