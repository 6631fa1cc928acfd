"""URL converters with bounds: a path segment never reaches the database unchecked."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` of at most 18 digits; longer is a 404.

    Werkzeug's converter takes any run of digits: 4,301 of them make ``int()`` raise, and
    10**30 reaches SQLite, which cannot bind an integer past 2**63 (a 500 either way). Ids and
    page numbers fit in 18 digits.
    """

    regex = r"\d{1,18}"
