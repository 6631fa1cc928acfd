"""Shared domain vocabulary the code knows (DOMAIN.md §2): kinds of rules, not their names."""

from domain.enums import DrawRole

__all__ = ["DrawRole"]
