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
_STRING_SEED = np.uint64(0x5341_4D50_4C45_5331)  # "SAMPLES1"
_WORD_MASKS = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [2**64 - 1], dtype=np.uint64)


_BLOCK = 1 << 16  # elements per block: 512 KiB, so the seven passes stay in cache


def fmix64(x: U64) -> U64:
    """Apply the MurmurHash3 64-bit finaliser to ``x`` in place and return it (a bijection)."""
    tmp = np.empty(min(len(x), _BLOCK), dtype=np.uint64)
    for start in range(0, len(x), _BLOCK):
        block = x[start : start + _BLOCK]
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


def hash_utf8(offsets: NDArray[np.int64], data: NDArray[np.uint8]) -> U64:
    """Hash each string ``data[offsets[i]:offsets[i+1]]`` to a 64-bit value.

    h = seed ^ length * golden; for each 8-byte little-endian word w (zero-padded):
    h = fmix64(h ^ w). Only a row's own bytes enter its hash.
    """
    starts = offsets[:-1] - offsets[0]
    lengths = offsets[1:] - offsets[:-1]
    padded = np.zeros(int(offsets[-1] - offsets[0]) + 8, dtype=np.uint8)
    padded[: len(padded) - 8] = data[offsets[0] : offsets[-1]]
    words = np.ndarray((len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    h = lengths.astype(np.uint64) * _GOLDEN
    h ^= _STRING_SEED
    max_len = int(lengths.max()) if len(lengths) else 0
    for j in range(0, max_len, 8):
        active = lengths > j
        rows: slice | NDArray[np.intp] = slice(None) if active.all() else np.flatnonzero(active)
        w = words[starts[rows] + j].astype(np.uint64, copy=False)
        rest = lengths[rows] - j
        if rest.min() < 8:
            w &= _WORD_MASKS[np.minimum(rest, 8)]
        w ^= h[rows]
        h[rows] = fmix64(w)
    return h


def hash_strings(values: pd.Series) -> U64:
    """Stable 64-bit hash of every value of a string column (see :func:`hash_utf8`)."""
    pieces = [hash_utf8(offsets, data) for offsets, data in utf8_buffers(values)]
    return np.concatenate(pieces) if len(pieces) != 1 else pieces[0]


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


def row_keys(person_hash: U64, salt_per_row: U64) -> U64:
    """Row keys fmix64(person_hash ^ salt): i.i.d.-uniform-like, distinct for distinct persons."""
    keys = person_hash ^ salt_per_row
    return fmix64(keys)


def rotate_half(keys: U64) -> U64:
    """Swap the high and low 32 bits of each key: a second key, ordered by the first one's low bits.

    For keys with i.i.d. uniform bits, the order by the low half is independent of the order by
    the high half, so the rotated key orders rows independently of the original key.
    """
    return (keys << np.uint64(32)) | (keys >> np.uint64(32))


def sha256_hex(*chunks: bytes) -> str:
    """SHA-256 hex digest of the concatenated chunks."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()
