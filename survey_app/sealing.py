"""Sealed links: the clear token and short code of an invitation, encrypted at rest.

The database keeps a SHA-256 of each token for lookup (a stolen copy cannot open a
questionnaire) and, beside it, the clear link encrypted with Fernet (AES-128-CBC with an
HMAC-SHA256 tag) under a key that never lives in the database, so the administrator can print a
lost batch of letters again. The key is ``SURVEY_LINK_KEY`` when set, otherwise derived from the
application's secret key (HKDF-SHA256, its own label), which already guards staff sessions.
docs/adr/0001-sealed-links.md says why.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_LABEL = b"survey-app sealed invitation links v1"


def derive_key(secret: str) -> bytes:
    """A Fernet key (urlsafe base64 of 32 bytes) derived from a secret of any length."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LABEL).derive(secret.encode())
    return base64.urlsafe_b64encode(raw)


@dataclass(frozen=True)
class LinkSealer:
    """Seals and opens the clear (token, short code) pair of one invitation."""

    key: bytes

    @classmethod
    def from_secret(cls, secret: str) -> LinkSealer:
        return cls(derive_key(secret))

    def seal(self, token: str, short_code: str) -> str:
        return Fernet(self.key).encrypt(f"{token} {short_code}".encode()).decode()

    def open(self, sealed: str | None) -> tuple[str, str] | None:
        """The clear (token, short code), or None when there is no sealed copy or it was
        sealed under another key (the key was changed: issue those letters again)."""
        if not sealed:
            return None
        try:
            token, code = Fernet(self.key).decrypt(sealed.encode()).decode().split(" ")
        except (InvalidToken, ValueError):
            return None
        return token, code
