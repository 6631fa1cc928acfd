"""Stable 64-bit hashing of strings and row keys, vectorised with numpy.

Every random choice of the citizen and quota draws is a *key* computed from the run key and the
row's identity (unit code, person id), never from the row's position. Sorting by such keys and
taking the smallest k is simple random sampling without replacement (the k smallest of i.i.d.
uniform keys are a uniformly random k-subset), and it makes a draw independent of the frame's row
order and of which other units are in the frame.

The string hash reads UTF-8 bytes eight at a time (little-endian words) and chains them through
the MurmurHash3 64-bit finaliser (``fmix64``, Appleby 2011). It is deterministic across
platforms and Python processes (unlike ``hash()``), but it is not a cryptographic hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sampling.errors import FrameError

U64 = NDArray[np.uint64]

_M1 = np.uint64(0xFF51AFD7ED558CCD)
_M2 = np.uint64(0xC4CEB9FE1A85EC53)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_S33 = np.uint64(33)
_S32 = np.uint64(32)
_STRING_SEED = np.uint64(0x5341_4D50_4C45_5331)  # "SAMPLES1"
_WORD_MASKS = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [2**64 - 1], dtype=np.uint64)


BLOCK = 1 << 16
"""Rows per block of the blockwise loops: 512 KiB per array of words, so passes stay in cache."""


def fmix64(x: U64) -> U64:
    """Apply the MurmurHash3 64-bit finaliser to ``x`` in place and return it (a bijection)."""
    tmp = np.empty(min(len(x), BLOCK), dtype=np.uint64)
    for start in range(0, len(x), BLOCK):
        block = x[start : start + BLOCK]
        t = tmp[: len(block)]
        for mult in (_M1, _M2):
            np.right_shift(block, _S33, out=t)
            np.bitwise_xor(block, t, out=block)
            np.multiply(block, mult, out=block)
        np.right_shift(block, _S33, out=t)
        np.bitwise_xor(block, t, out=block)
    return x


def _python_buffers(values: pd.Series) -> list[tuple[NDArray[np.int64], NDArray[np.uint8]]]:
    """UTF-8 offsets and bytes of ``values`` built in Python (used when pyarrow is absent)."""
    encoded = [str(v).encode("utf-8") for v in values.tolist()]
    lengths = np.fromiter((len(b) for b in encoded), dtype=np.int64, count=len(encoded))
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return [(offsets, np.frombuffer(b"".join(encoded), dtype=np.uint8))]


def _arrow_buffers(values: pd.Series) -> list[tuple[NDArray[np.int64], NDArray[np.uint8]]]:
    """UTF-8 offsets and bytes of each chunk of ``values``, zero-copy if Arrow-backed."""
    import pyarrow as pa

    arr = pa.array(values, type=pa.large_string(), from_pandas=True)
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    out = []
    for chunk in chunks:
        _, off_buf, data_buf = chunk.buffers()
        count = len(chunk) + 1
        offsets = np.frombuffer(off_buf, dtype="<i8", count=count, offset=chunk.offset * 8)
        data = np.empty(0, np.uint8) if data_buf is None else np.frombuffer(data_buf, np.uint8)
        out.append((offsets.astype(np.int64, copy=False), data))
    return out


def utf8_buffers(values: pd.Series) -> list[tuple[NDArray[np.int64], NDArray[np.uint8]]]:
    """(offsets, bytes) pieces of the UTF-8 encoding of a string column without nulls."""
    if values.isna().any():
        raise FrameError("null_value", f"column {values.name!r} has empty values")
    try:
        return _arrow_buffers(values)
    except ImportError:
        return _python_buffers(values)


def _mix_word(
    h: U64, words: U64, starts: NDArray[np.int64], lengths: NDArray[np.int64], j: int
) -> None:
    """h = fmix64(h ^ w) for the word w at byte j of every string longer than j bytes.

    Bytes past a string's end are masked off. When most strings are that long, all rows are
    mixed and the short ones keep their old value; otherwise the long ones are picked out.
    """
    active = lengths > j
    if 2 * np.count_nonzero(active) < len(h):
        rows = np.flatnonzero(active)
        w = words[starts[rows] + j]
        w &= _WORD_MASKS[np.minimum(lengths[rows] - j, 8)]
        w ^= h[rows]
        h[rows] = fmix64(w)
        return
    w = words[starts + j]
    w &= _WORD_MASKS[np.clip(lengths - j, 0, 8)]
    w ^= h
    np.copyto(h, fmix64(w), where=active)


def _hash_words(offsets: NDArray[np.int64], data: NDArray[np.uint8], h: U64) -> None:
    """Hash the strings between consecutive ``offsets`` into ``h`` (one block, in cache).

    The block's bytes are copied with zero padding, so every word of every string (and past
    the end of the shorter ones) can be read as an unaligned little-endian 64-bit load.
    """
    lo, hi = int(offsets[0]), int(offsets[-1])
    starts = offsets[:-1] - lo
    lengths = offsets[1:] - offsets[:-1]
    shortest, longest = (int(lengths.min()), int(lengths.max())) if len(lengths) else (0, 0)
    padded = np.zeros(hi - lo + longest + 8, dtype=np.uint8)
    padded[: hi - lo] = data[lo:hi]
    words = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    h[:] = lengths
    h *= _GOLDEN
    h ^= _STRING_SEED
    for j in range(0, longest, 8):
        if j + 8 <= shortest:  # every string has a full word here: no mask, no selection
            h ^= words[starts + j] if j else words[starts]
            fmix64(h)
        else:
            _mix_word(h, words, starts, lengths, j)


def hash_utf8(offsets: NDArray[np.int64], data: NDArray[np.uint8], out: U64 | None = None) -> U64:
    """Hash each string ``data[offsets[i]:offsets[i+1]]`` to a 64-bit value (into ``out``).

    h = seed ^ length * golden; for each 8-byte little-endian word w (zero-padded):
    h = fmix64(h ^ w). Only a row's own bytes enter its hash. Rows are done in blocks of
    ``BLOCK`` so that every intermediate array stays in cache.
    """
    count = len(offsets) - 1
    h = np.empty(count, dtype=np.uint64) if out is None else out
    for start in range(0, count, BLOCK):
        stop = min(start + BLOCK, count)
        _hash_words(offsets[start : stop + 1], data, h[start:stop])
    return h


def hash_strings(values: pd.Series) -> U64:
    """Stable 64-bit hash of every value of a string column (see :func:`hash_utf8`)."""
    out = np.empty(len(values), dtype=np.uint64)
    done = 0
    for offsets, data in utf8_buffers(values):
        count = len(offsets) - 1
        hash_utf8(offsets, data, out[done : done + count])
        done += count
    return out


def hash_labels(labels: Sequence[str]) -> U64:
    """Stable 64-bit hash of a few labels (unit codes, field names)."""
    return hash_strings(pd.Series(list(labels), dtype="str"))


def unit_salts(run_key: int, unit_codes: Sequence[str]) -> U64:
    """One salt per unit, derived from the run key and the unit's code only.

    The run key seeds a ``numpy.random.SeedSequence``; two of its state words are mixed with the
    stable hash of each unit code: salt = fmix64(fmix64(hash(code) ^ r0) + r1).
    """
    r0, r1 = np.random.SeedSequence(run_key).generate_state(2, np.uint64)
    salt = hash_labels(unit_codes) ^ r0
    fmix64(salt)
    salt += r1
    return fmix64(salt)


def row_keys(person_hash: U64, salt: U64, code: NDArray[np.int64]) -> U64:
    """Row keys fmix64(person_hash ^ salt[code]): i.i.d.-uniform-like, distinct for distinct
    persons of one salt. ``salt`` is a table (e.g. one entry per cell), ``code`` a row's entry.
    """
    keys = np.empty(len(person_hash), dtype=np.uint64)
    for start in range(0, len(keys), BLOCK):
        block = keys[start : start + BLOCK]
        np.take(salt, code[start : start + BLOCK], out=block)
        block ^= person_hash[start : start + BLOCK]
        fmix64(block)
    return keys


def rotate_half(keys: U64) -> U64:
    """Swap the high and low 32 bits of each key in place (and return ``keys``): a second key,
    ordered by the first one's low bits.

    For keys with i.i.d. uniform bits, the order by the low half is independent of the order by
    the high half, so the rotated key orders rows independently of the original key.
    """
    tmp = np.empty(min(len(keys), BLOCK), dtype=np.uint64)
    for start in range(0, len(keys), BLOCK):
        block = keys[start : start + BLOCK]
        low_up = tmp[: len(block)]
        np.left_shift(block, _S32, out=low_up)
        block >>= _S32
        block |= low_up
    return keys


def sha256_hex(*chunks: bytes | memoryview) -> str:
    """SHA-256 hex digest of the concatenated chunks (a memoryview is read without a copy)."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()
