"""QR codes for PDF letters: ReportLab's own encoder, made fast enough for thousands of
letters, drawn as one vector path.

ReportLab's ``QRCode.make`` takes about 8 ms per link, which alone would take 3,300 letters
close to their 30 s budget: it builds the Reed-Solomon generator polynomial again for every
block and divides with polynomial objects, and it lays the data out once per mask pattern and
scores the eight symbols in pure Python. :func:`qr_modules` keeps ReportLab's segments, bit
buffer, block table, generator and layout, and replaces only those two loops: the check bytes
by a table-driven division (:func:`_codewords`), and the mask choice by one layout (mask 0)
turned into the seven others by XOR on the data modules, all eight scored at once with numpy
by the same four penalty rules as ``QRUtil.getLostPoint`` (ISO/IEC 18004, 7.8.3, as ReportLab
implements them: runs of five or more, 2×2 blocks, the 1:1:3:1:1 finder-like pattern followed
by four light modules, the dark share), keeping the first lowest as ReportLab does. About
1.3 ms per link, and the symbol is exactly the one ReportLab would draw (the tests compare
them over every error correction level and many lengths). ReportLab looks for the finder-like
pattern along rows only (its column pass compares tuples with a list, which never matches);
that is kept too: any mask decodes, the score only picks the most legible one.

:class:`QrCode` draws the symbol in module units under one scale, each run of dark modules a
rectangle of one path (one fill, so no seams between modules): about 4 KB of page content
before compression, against 15.7 KB for the SVG of the HTML letters.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any, Protocol, cast

import numpy as np
import numpy.typing as npt
from reportlab.graphics.barcode import qrencoder
from reportlab.platypus import Flowable

Matrix = npt.NDArray[np.bool_]
_QR: Any = qrencoder  # ReportLab's QR encoder has no type hints
_EXP: list[int] = _QR.EXP_TABLE
_LOG: list[int] = _QR.LOG_TABLE
_FINDER_RUN = np.array([1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0], dtype=bool)


def qr_modules(text: str, level: str = "M") -> Matrix:
    """The QR symbol of ``text`` (dark = True, without the quiet zone), at error correction
    ``level`` ("L", "M", "Q" or "H"), the smallest version that holds it."""
    code = _encoder(None, getattr(qrencoder.QRErrorCorrectLevel, level))
    code.addData(text)
    code.version = code.calculate_version()
    code.dataCache = _codewords(code)
    code.makeImpl(True, 0)  # format bits left light, as ReportLab scores the masks
    layers = _mask_layers(code.version)
    candidates = np.array(code.modules, dtype=bool) ^ layers[0] ^ layers  # masks 0 … 7
    best = int(np.argmin(lost_points(candidates)))
    code.modules = candidates[best].tolist()
    code.setupTypeInfo(False, best)  # what makeImpl(False, best) adds: the format bits,
    if code.version >= 7:
        code.setupTypeNumber(False)  # and the version bits
    return np.array(code.modules, dtype=bool)


class _Encoder(Protocol):
    """What this module uses of ReportLab's ``qrencoder.QRCode``."""

    version: int
    errorCorrectLevel: int
    moduleCount: int
    modules: list[list[bool]]
    dataList: list[Any]  # the segments (byte, numeric, …), each writes itself in bits
    dataCache: list[int] | None  # the codewords makeImpl lays out (made there when None)

    def addData(self, data: str) -> None: ...
    def calculate_version(self) -> int: ...
    def makeImpl(self, test: bool, maskPattern: int) -> None: ...
    def dataPosIterator(self) -> list[tuple[int, int]]: ...  # (column, row) of data modules
    def setupTypeInfo(self, test: bool, maskPattern: int) -> None: ...
    def setupTypeNumber(self, test: bool) -> None: ...


def _encoder(version: int | None, level: int) -> _Encoder:
    return cast(_Encoder, qrencoder.QRCode(version, level))


def _codewords(code: _Encoder) -> list[int]:
    """The data and error correction codewords, interleaved, as ``QRCode.createData`` makes
    them (the same bits, terminator and pad bytes), with a table-driven Reed-Solomon
    remainder: ReportLab builds the generator polynomial again for every block and divides
    with polynomial objects, half of its time per link."""
    blocks = _QR.QRRSBlock.getRSBlocks(code.version, code.errorCorrectLevel)
    bits = _QR.QRBitBuffer()
    for segment in code.dataList:
        segment.write(bits, code.version)
    capacity = 8 * sum(block.dataCount for block in blocks)
    if bits.getLengthInBits() > capacity:
        raise ValueError(f"too long for a QR code: {bits.getLengthInBits()} > {capacity} bits")
    if bits.getLengthInBits() + 4 <= capacity:
        bits.put(0, 4)
    while bits.getLengthInBits() % 8:
        bits.putBit(False)
    pads = itertools.cycle((0xEC, 0x11))
    while bits.getLengthInBits() < capacity:
        bits.put(next(pads), 8)
    data: list[list[int]] = []
    checks: list[list[int]] = []
    for block in blocks:
        start = sum(len(part) for part in data)
        data.append(bits.buffer[start : start + block.dataCount])
        checks.append(_remainder(data[-1], block.totalCount - block.dataCount))
    columns = itertools.chain(itertools.zip_longest(*data), itertools.zip_longest(*checks))
    return [word for column in columns for word in column if word is not None]


def _remainder(data: list[int], degree: int) -> list[int]:
    """The Reed-Solomon check bytes of ``data``: the remainder of data × x^degree divided by
    the generator polynomial, in GF(256) with ReportLab's exponent and logarithm tables."""
    generator = _generator_logs(degree)
    remainder = [0] * degree
    for byte in data:
        factor = byte ^ remainder.pop(0)
        remainder.append(0)
        if factor:
            shift = _LOG[factor]
            for place, log in enumerate(generator):
                if log >= 0:
                    remainder[place] ^= _EXP[(shift + log) % 255]
    return remainder


@functools.cache
def _generator_logs(degree: int) -> tuple[int, ...]:
    """The logarithms of ReportLab's generator polynomial of a degree, its leading 1 left out
    (-1 for a zero coefficient)."""
    coefficients = _QR.QRUtil.getErrorCorrectPolynomial(degree).num[1:]
    return tuple(_LOG[c] if c else -1 for c in coefficients)


@functools.cache
def _mask_layers(version: int) -> Matrix:
    """Each of the eight mask patterns on the data modules of a version (False elsewhere): a
    symbol with mask 0 becomes the symbol with mask k by two XORs, where ReportLab would lay
    the data out again."""
    code = _encoder(version, qrencoder.QRErrorCorrectLevel.M)
    code.moduleCount = side = version * 4 + 17
    data = np.zeros((side, side), dtype=bool)
    for column, row in code.dataPosIterator():
        data[row, column] = True
    rows, columns = np.indices((side, side))
    patterns = qrencoder.QRUtil.maskPattern  # k: (row, column) -> dark
    masks = [np.asarray(patterns[k](rows, columns), dtype=np.bool_) for k in range(8)]
    layers = np.array(masks) & data
    layers.flags.writeable = False
    return layers


def lost_points(stack: Matrix) -> npt.NDArray[np.int64]:
    """The penalty of each symbol of a (masks, n, n) stack, as ``QRUtil.getLostPoint``
    (rule 3 along rows only, as there)."""
    columns = stack.transpose(0, 2, 1)
    return _runs(stack) + _runs(columns) + _blocks(stack) + _finders(stack) + _balance(stack)


def _runs(stack: Matrix) -> npt.NDArray[np.int64]:
    """Rule 1 along rows: each run of L >= 5 modules of one colour costs L - 2."""
    masks, n, _ = stack.shape
    padded = np.full((masks, n, n + 1), 2, dtype=np.int8)  # 2: a run never crosses a row end
    padded[:, :, :n] = stack
    flat = padded.ravel()
    starts = np.flatnonzero(np.diff(flat, prepend=np.int8(-1)))
    lengths = np.diff(starts, append=flat.size)
    cost = np.where(lengths >= 5, lengths - 2, 0)
    by_mask = np.bincount(starts // (n * (n + 1)), weights=cost, minlength=masks)
    return np.asarray(by_mask, dtype=np.int64)


def _blocks(stack: Matrix) -> npt.NDArray[np.int64]:
    """Rule 2: each 2×2 block of one colour costs 3 (blocks may overlap)."""
    corner = stack[:, :-1, :-1]
    same = (
        (corner == stack[:, 1:, :-1]) & (corner == stack[:, :-1, 1:]) & (corner == stack[:, 1:, 1:])
    )
    return np.asarray(3 * same.sum(axis=(1, 2)), dtype=np.int64)


def _finders(stack: Matrix) -> npt.NDArray[np.int64]:
    """Rule 3 along rows: each dark-light-dark×3-light-dark run followed by four light modules
    costs 40; ReportLab tries the starts 0 … n - 12 of each row (the run cannot overlap
    itself, so counting every start equals its skipping scan)."""
    n = stack.shape[1]
    windows = np.lib.stride_tricks.sliding_window_view(stack, _FINDER_RUN.size, axis=2)
    found = (windows[:, :, : n - _FINDER_RUN.size] == _FINDER_RUN).all(axis=3)
    return np.asarray(40 * found.sum(axis=(1, 2)), dtype=np.int64)


def _balance(stack: Matrix) -> npt.NDArray[np.int64]:
    """Rule 4: 10 points per whole 5 % that the dark share is away from 50 %."""
    cells = stack.shape[1] * stack.shape[2]
    dark = np.asarray(stack.sum(axis=(1, 2)), dtype=np.int64)
    return np.asarray(10 * (np.abs(100 * dark // cells - 50) // 5), dtype=np.int64)


class QrCode(Flowable):
    """A QR symbol ``size`` points wide, with the standard quiet zone of four modules."""

    def __init__(self, modules: Matrix, size: float, quiet_zone: int = 4) -> None:
        super().__init__()
        self.modules = modules
        self.size = size
        self.quiet_zone = quiet_zone

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        """One filled path in module units, written as PDF operators (a few hundred
        rectangles: through ReportLab's path object they cost more than the encoding)."""
        quiet, side = self.quiet_zone, self.modules.shape[0] + 2 * self.quiet_zone
        edges = np.diff(np.pad(self.modules.astype(np.int8), ((0, 0), (1, 1))), axis=1)
        rows, starts = np.nonzero(edges == 1)  # row-major: the n-th start meets the n-th end
        _, ends = np.nonzero(edges == -1)
        runs = zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True)
        path = " ".join(f"{x + quiet} {side - quiet - y - 1} {e - x} 1 re" for y, x, e in runs)
        canvas = self.canv
        canvas.saveState()
        canvas.scale(self.size / side, self.size / side)
        canvas.setFillGray(0)
        canvas.addLiteral(f"{path} f")
        canvas.restoreState()
