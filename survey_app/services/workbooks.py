"""Questionnaire workbooks in the browser: check an upload, keep it for its preview, publish it.

An upload is stored only when every check passes (``WorkbookRefused`` lists the problems
otherwise, and nothing is written). Publishing turns the upload into an immutable
``instruments`` row and deletes the upload in one transaction; a second click, or a second
administrator, finds the upload gone and is told so. Criteria tree workbooks are checked the
same way (sums, methods, codes) and summarised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from questionnaires import Instrument, builtin_criteria_trees, builtin_instruments
from questionnaires.criteria import CriteriaTree
from questionnaires.xlsform import SheetProblem, WorkbookError, read_instrument, workbook_kind
from questionnaires.xlsform import instrument_workbook as write_workbook
from questionnaires.xlsform.trees import read_tree, tree_workbook
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AuditAction
from survey_app.persistence.models import Instrument as InstrumentRow
from survey_app.persistence.models import InstrumentUpload, User
from survey_app.services import audit, instruments

KEPT_FOR = dt.timedelta(days=7)
"""How long an unpublished upload is kept for its preview."""


class WorkbookRefused(ServiceError):
    """A workbook with problems: each has its sheet, row and column."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        super().__init__("workbook_refused", count=len(problems))
        self.problems = problems


@dataclass(frozen=True)
class Checked:
    """What an upload turned out to be: a questionnaire kept for preview, or a tree."""

    upload: InstrumentUpload | None
    instrument: Instrument | None
    tree: CriteriaTree | None
    published: InstrumentRow | None  # the same version, already published


def _instrument(data: bytes, filename: str) -> Instrument:
    try:
        return read_instrument(data, source=filename)
    except WorkbookError as exc:
        raise WorkbookRefused(list(exc.problems)) from exc


def check_upload(session: Session, filename: str, data: bytes, actor: User | None) -> Checked:
    """Check a workbook; a valid questionnaire is kept for its preview and publishing.

    Refused with ``version_taken`` when the version is published with other content (a
    published questionnaire never changes); the same content already published is reported
    as such and not kept again."""
    filename = (filename or "phieu.xlsx")[:255]
    if workbook_kind(data) == "tree":
        try:
            return Checked(None, None, read_tree(data), None)
        except WorkbookError as exc:
            raise WorkbookRefused(list(exc.problems)) from exc
    instrument = _instrument(data, filename)
    existing = instruments.version_row(session, instrument.code, instrument.version)
    if existing is not None:
        if existing.content_hash != instrument.content_hash:
            raise ServiceError("version_taken", code=instrument.code, version=instrument.version)
        return Checked(None, instrument, None, existing)
    session.execute(
        delete(InstrumentUpload).where(InstrumentUpload.uploaded_at < _now() - KEPT_FOR)
    )
    upload = InstrumentUpload(
        filename=filename,
        content=data,
        code=instrument.code,
        version=instrument.version,
        content_hash=instrument.content_hash,
        uploaded_by=actor.id if actor is not None else None,
        uploaded_at=_now(),
    )
    session.add(upload)
    session.flush()
    return Checked(upload, instrument, None, None)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def upload_of(session: Session, upload_id: int) -> tuple[InstrumentUpload, Instrument]:
    """A kept upload and its questionnaire (read again from the stored workbook and checked
    against the hash it was checked with); ``no_upload`` when it is gone."""
    upload = session.get(InstrumentUpload, upload_id)
    if upload is None:
        raise ServiceError("no_upload")
    instrument = _instrument(upload.content, upload.filename)
    if instrument.content_hash != upload.content_hash:
        raise ServiceError("instrument_changed", code=upload.code, version=upload.version)
    return upload, instrument


def publish_upload(session: Session, upload_id: int, actor: User | None) -> InstrumentRow:
    """Publish a kept upload as an immutable version and delete the upload.

    The delete is conditional, so of two clicks (or two administrators) one publishes and the
    other is told the upload is gone (``no_upload``)."""
    _upload, instrument = upload_of(session, upload_id)
    gone = session.execute(delete(InstrumentUpload).where(InstrumentUpload.id == upload_id))
    if not getattr(gone, "rowcount", 0):
        raise ServiceError("no_upload")
    row = instruments.publish(session, instrument)
    audit.record(
        session,
        AuditAction.QUESTIONNAIRE_PUBLISHED,
        user=actor,
        target=f"{row.code} {row.version}",
        code=row.code,
        version=row.version,
        content_hash=row.content_hash,
    )
    return row


def published(session: Session) -> list[tuple[InstrumentRow, Instrument]]:
    """Every published version with its questionnaire, by code then newest first."""
    rows = session.scalars(
        select(InstrumentRow).order_by(InstrumentRow.code, InstrumentRow.id.desc())
    )
    return [(row, instruments.load(row)) for row in rows]


def version_workbook(session: Session, instrument_id: int) -> tuple[str, bytes]:
    """A published version as a workbook that uploads back to the same content hash."""
    row = session.get(InstrumentRow, instrument_id)
    if row is None:
        raise ServiceError("no_instrument_version")
    return f"{row.code}-{row.version}.xlsx", write_workbook(instruments.load(row))


def shipped_workbook(code: str) -> tuple[str, bytes]:
    """A shipped questionnaire, or criteria tree, as a workbook."""
    instrument = builtin_instruments().get(code)
    if instrument is not None:
        return f"{code}-{instrument.version}.xlsx", write_workbook(instrument)
    tree = builtin_criteria_trees().get(code)
    if tree is None:
        raise ServiceError("no_instrument", code=code)
    return f"tieu-chi-{code}.xlsx", tree_workbook(tree)
