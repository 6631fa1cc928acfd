"""Typed errors of the sampling library, each with a stable code for the error catalogue."""

from __future__ import annotations


class SamplingError(Exception):
    """A sampling rule was violated; ``code`` is stable, ``detail`` is for people."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class FrameError(SamplingError):
    """The input frame is malformed (missing column, empty value, duplicate person)."""


class SettingsError(SamplingError):
    """A setting is out of its allowed range or cannot be read."""


class ReplacementError(SamplingError):
    """A replacement cannot be made (unknown respondent, no reserve left)."""
