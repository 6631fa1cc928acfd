"""Pausing Python's cyclic garbage collector while a large list is read or validated.

Reading and validating 100,000 rows creates millions of small objects (cells, tuples, row
results) that stay alive until the import ends. Each of the dozen full collections that
these allocations trigger walks all of them again, about a quarter of an import's time,
and finds nothing: the objects hold no reference cycles, and reference counting
frees them as usual. Collection resumes when the import ends.

The collector is process-wide: in a threaded server, other requests also run without cyclic
collection for the few seconds of a large import. Reference counting still frees their
objects; only cycles wait until the import ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block; re-enabled after it if it was enabled before
    (so nested or concurrent pauses never leave it off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
