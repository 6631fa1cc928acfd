"""Reading an upload in a child process with memory and CPU-time limits.

A hostile or absurd file (a cell at XFD1048576, a run of 400 million spaces, a shared string
repeated a million times) can make a reader allocate gigabytes or spin for minutes, and a
native reader (calamine, in Rust) aborts the whole process when an allocation fails. So
``read_table`` runs in a child with ``RLIMIT_AS`` (address space) and ``RLIMIT_CPU`` set, and
a wall-clock deadline: a child that dies, runs out of memory or overruns becomes
``IngestError(too_complex)``, and the worker that asked never notices.

Children come from a *forkserver* (never ``fork`` of a threaded server): the server is
started once with this module and the readers imported, so each child starts in a few
milliseconds. The table comes back pickled over a pipe.
"""

from __future__ import annotations

import math
import multiprocessing
import pickle
import resource
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from survey_app.ingest.catalogue import ErrorCode, IngestError
from survey_app.ingest.headers import Column, SkipKind
from survey_app.ingest.read import DEFAULT_MAX_ROWS, read_table
from survey_app.ingest.table import FileType, RawRow, RawTable, SkippedRow

DEFAULT_PARSE_SECONDS = 20.0  # a 100,000-row .xlsx needs about 5 s
DEFAULT_PARSE_MB = 2048
_WALL_FACTOR = 2.0  # wall-clock deadline = CPU limit x this (a loaded machine, soffice)
_KILL_GRACE_S = 5.0

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["survey_app.ingest.isolate"])


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """How much one child may use: CPU seconds (the wall clock gets twice that) and MiB of
    address space (``RLIMIT_AS``, which counts the interpreter and libraries too, ~150 MiB)."""

    seconds: float = DEFAULT_PARSE_SECONDS
    memory_mb: int = DEFAULT_PARSE_MB


def read_table_isolated(
    filename: str,
    data: bytes,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    limits: ParseLimits | None = None,
) -> RawTable:
    """``read_table`` in a limited child process; same result and same ``IngestError``s.

    Raises IngestError(too_complex) when the child is killed (memory, CPU time, a native
    abort) or misses the deadline, and IngestError(unreadable) when a reader fails in a way
    no reader maps to a message of its own.
    """
    limits = limits or ParseLimits()
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(
        target=_child_main,
        args=(sender, filename, data, max_rows, limits),
        daemon=True,
        name="ingest-parse",
    )
    child.start()
    sender.close()
    try:
        message = _receive(receiver, limits.seconds * _WALL_FACTOR)
    finally:
        receiver.close()
        _reap(child)
    return _result(message)


def _receive(receiver: Connection, timeout: float) -> bytes | None:
    """The child's one message, or None when it died or missed the deadline."""
    try:
        if not receiver.poll(timeout):
            return None
        return receiver.recv_bytes()
    except (EOFError, OSError):
        return None


def _reap(child: Any) -> None:
    """Wait for the child to exit; kill it when it does not (deadline passed)."""
    child.join(_KILL_GRACE_S if child.is_alive() else None)
    if child.is_alive():
        child.kill()
        child.join()
    child.close()


def _result(message: bytes | None) -> RawTable:
    """The table the child sent, or the error it reported, as this process's values."""
    if message is None:
        raise IngestError.of(ErrorCode.TOO_COMPLEX)
    kind, payload = pickle.loads(message)  # noqa: S301 - our own child, over our own pipe
    if kind == "table":
        return _unpack(payload)
    code, message_vi, message_en = payload
    raise IngestError(ErrorCode(code), message_vi, message_en)


def _error_outcome(error: IngestError) -> tuple[str, object]:
    return ("error", (str(error.code), error.message_vi, error.message_en))


def _child_main(
    sender: Connection, filename: str, data: bytes, max_rows: int, limits: ParseLimits
) -> None:
    """In the child: set the limits, read, send ("table", RawTable) or ("error", codes)."""
    _set_limits(limits)
    try:
        outcome: tuple[str, object] = (
            "table",
            _pack(read_table(filename, data, max_rows=max_rows)),
        )
    except IngestError as refused:
        outcome = _error_outcome(refused)
    except (MemoryError, RecursionError):
        outcome = _error_outcome(IngestError.of(ErrorCode.TOO_COMPLEX))
    except Exception as exc:  # noqa: BLE001 - a reader bug must be a message, never a 500
        outcome = _error_outcome(IngestError.of(ErrorCode.UNREADABLE, detail=type(exc).__name__))
    del data
    sender.send_bytes(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    sender.close()


def _pack(table: RawTable) -> tuple[object, ...]:
    """The table as plain tuples: pickling 100,000 slotted dataclasses one by one costs
    seconds, tuples of tuples a few hundredths."""
    return (
        table.filename,
        str(table.file_type),
        table.sheet,
        table.header_row,
        table.header,
        {str(column): index for column, index in table.columns.items()},
        table.title_lines,
        [(row.source_row, row.cells) for row in table.rows],
        [(row.source_row, str(row.kind), row.text) for row in table.skipped],
    )


def _unpack(packed: Any) -> RawTable:
    """``_pack`` reversed."""
    filename, file_type, sheet, header_row, header, columns, titles, rows, skipped = packed
    return RawTable(
        filename=filename,
        file_type=FileType(file_type),
        sheet=sheet,
        header_row=header_row,
        header=header,
        columns={Column(name): index for name, index in columns.items()},
        title_lines=titles,
        rows=tuple(RawRow(number, cells) for number, cells in rows),
        skipped=tuple(SkippedRow(number, SkipKind(kind), text) for number, kind, text in skipped),
    )


def _set_limits(limits: ParseLimits) -> None:
    """Lower this process's address-space and CPU-time limits (never above the hard ones)."""
    _lower(resource.RLIMIT_AS, limits.memory_mb * 1024 * 1024)
    _lower(resource.RLIMIT_CPU, max(1, math.ceil(limits.seconds)))


def _lower(which: int, soft: int) -> None:
    """Set the soft limit ``which`` to ``soft``, or to the hard limit when that is lower."""
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(which, (soft, hard))
