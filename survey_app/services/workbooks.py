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
from questionnaires.criteria import CriteriaTree, tree_hash
from questionnaires.xlsform import SheetProblem, WorkbookError, read_instrument, workbook_kind
from questionnaires.xlsform import instrument_workbook as write_workbook
from questionnaires.xlsform.trees import read_tree, tree_workbook
from survey_app.errors import ServiceError
from survey_app.persistence.enums import AuditAction
from survey_app.persistence.models import CriteriaTree as TreeRow
from survey_app.persistence.models import Instrument as InstrumentRow
from survey_app.persistence.models import InstrumentUpload, User
from survey_app.services import audit, criteria_trees, instruments

KEPT_FOR = dt.timedelta(days=7)
"""How long an unpublished upload is kept for its preview."""


class WorkbookRefused(ServiceError):
    """A workbook with problems: each has its sheet, row and column."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        super().__init__("workbook_refused", count=len(problems))
        self.problems = problems


@dataclass(frozen=True)
class Checked:
    """What an upload turned out to be: a questionnaire or a criteria tree, kept for its
    preview and publishing (``upload``), or the same content already published."""

    upload: InstrumentUpload | None
    instrument: Instrument | None
    tree: CriteriaTree | None
    published: InstrumentRow | TreeRow | None
    shipped: bool = False  # exactly a tree (or questionnaire) shipped with the service


def _read(session: Session, data: bytes, filename: str, is_tree: bool) -> Instrument | CriteriaTree:
    try:
        if is_tree:
            return read_tree(data)
        return read_instrument(
            data, source=filename, criteria_trees=criteria_trees.available(session)
        )
    except WorkbookError as exc:
        raise WorkbookRefused(list(exc.problems)) from exc


def _identity(read: Instrument | CriteriaTree) -> tuple[str, str, str]:
    if isinstance(read, Instrument):
        return read.code, read.version, read.content_hash
    return read.code, read.version, tree_hash(read)


def _already(session: Session, read: Instrument | CriteriaTree) -> InstrumentRow | TreeRow | None:
    """The published row of the same code and version (``version_taken`` / ``tree_taken``
    when its content differs: a published one never changes)."""
    code, version, digest = _identity(read)
    if isinstance(read, Instrument):
        shipped = builtin_instruments().get(code)
        if shipped is not None and shipped.version == version:  # same content: _shipped
            raise ServiceError("version_taken", code=code, version=version)
        row = instruments.version_row(session, code, version)
        if row is not None and row.content_hash != digest:
            raise ServiceError("version_taken", code=code, version=version)
        return row
    if code in builtin_criteria_trees():
        raise ServiceError("tree_taken", code=code)  # same content: see _shipped
    found = session.scalar(select(TreeRow).where(TreeRow.code == code))
    if found is not None and found.content_hash != digest:
        raise ServiceError("tree_taken", code=code)
    return found


def _shipped(read: Instrument | CriteriaTree) -> bool:
    """Exactly what the service ships under that code (a downloaded file sent back)."""
    if isinstance(read, Instrument):
        same = builtin_instruments().get(read.code)
        return same is not None and same.content_hash == read.content_hash
    tree = builtin_criteria_trees().get(read.code)
    return tree is not None and tree_hash(tree) == tree_hash(read)


def check_upload(session: Session, filename: str, data: bytes, actor: User | None) -> Checked:
    """Check a workbook; a valid questionnaire or criteria tree is kept for its preview and
    publishing. Refused (``version_taken``, ``tree_taken``) when that version or tree code is
    published with other content; the same content already published is reported as such and
    not kept again."""
    filename = (filename or "phieu.xlsx")[:255]
    is_tree = workbook_kind(data) == "tree"
    read = _read(session, data, filename, is_tree)
    instrument = read if isinstance(read, Instrument) else None
    tree = None if isinstance(read, Instrument) else read
    if _shipped(read):
        return Checked(None, instrument, tree, None, shipped=True)
    existing = _already(session, read)
    if existing is not None:
        return Checked(None, instrument, tree, existing)
    session.execute(
        delete(InstrumentUpload).where(InstrumentUpload.uploaded_at < _now() - KEPT_FOR)
    )
    code, version, digest = _identity(read)
    upload = InstrumentUpload(
        is_tree=is_tree,
        filename=filename,
        content=data,
        code=code,
        version=version,
        content_hash=digest,
        uploaded_by=actor.id if actor is not None else None,
        uploaded_at=_now(),
    )
    session.add(upload)
    session.flush()
    return Checked(upload, instrument, tree, None)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def upload_of(
    session: Session, upload_id: int
) -> tuple[InstrumentUpload, Instrument | CriteriaTree]:
    """A kept upload and what it holds (read again from the stored workbook and checked
    against the hash it was checked with); ``no_upload`` when it is gone."""
    upload = session.get(InstrumentUpload, upload_id)
    if upload is None:
        raise ServiceError("no_upload")
    read = _read(session, upload.content, upload.filename, upload.is_tree)
    if _identity(read)[2] != upload.content_hash:
        raise ServiceError("instrument_changed", code=upload.code, version=upload.version)
    return upload, read


def publish_upload(session: Session, upload_id: int, actor: User | None) -> InstrumentRow | TreeRow:
    """Publish a kept upload as an immutable version (or tree) and delete the upload.

    The delete is conditional, so of two clicks (or two administrators) one publishes and the
    other is told the upload is gone (``no_upload``)."""
    _upload, read = upload_of(session, upload_id)
    if isinstance(read, Instrument):  # refused (version_taken…) before the upload goes
        row: InstrumentRow | TreeRow = instruments.publish(session, read)
    else:
        row = criteria_trees.publish(session, read)
    gone = session.execute(delete(InstrumentUpload).where(InstrumentUpload.id == upload_id))
    if not getattr(gone, "rowcount", 0):
        raise ServiceError("no_upload")
    audit.record(
        session,
        AuditAction.QUESTIONNAIRE_PUBLISHED,
        user=actor,
        target=f"{row.code} {row.version}",
        kind="questionnaire" if isinstance(read, Instrument) else "criteria_tree",
        code=row.code,
        version=row.version,
        content_hash=row.content_hash,
    )
    return row


def published(session: Session) -> list[tuple[InstrumentRow, Instrument]]:
    """Every published version with its questionnaire, by code then newest first (a stored
    definition that no longer rebuilds is left out here; using it says why)."""
    rows = session.scalars(
        select(InstrumentRow).order_by(InstrumentRow.code, InstrumentRow.id.desc())
    )
    found = []
    for row in rows:
        try:
            found.append((row, instruments.load(row)))
        except ServiceError:
            continue
    return found


def unpublished_shipped(session: Session) -> list[Instrument]:
    """Shipped questionnaires not yet published (a group may be given one: it is published
    then), by code."""
    versions = {
        (code, version)
        for code, version in session.execute(select(InstrumentRow.code, InstrumentRow.version))
    }
    return [
        i for code, i in sorted(builtin_instruments().items()) if (code, i.version) not in versions
    ]


def version_workbook(session: Session, instrument_id: int) -> tuple[str, bytes]:
    """A published version as a workbook that uploads back to the same content hash."""
    row = session.get(InstrumentRow, instrument_id)
    if row is None:
        raise ServiceError("no_instrument_version")
    return f"{row.code}-{row.version}.xlsx", write_workbook(instruments.load(row))


def workbook_of(session: Session, code: str, version: str | None = None) -> tuple[str, bytes]:
    """A questionnaire (shipped, or a published ``version``) or a criteria tree by its code, as
    a workbook; ``no_instrument`` / ``no_instrument_version`` when there is none."""
    shipped = builtin_instruments().get(code)
    if version is None or (shipped is not None and shipped.version == version):
        return code_workbook(session, code)
    row = instruments.version_row(session, code, version)
    if row is None:
        raise ServiceError("no_instrument_version")
    return version_workbook(session, row.id)


def code_workbook(session: Session, code: str) -> tuple[str, bytes]:
    """A shipped questionnaire, or a shipped or published criteria tree, as a workbook."""
    instrument = builtin_instruments().get(code)
    if instrument is not None:
        return f"{code}-{instrument.version}.xlsx", write_workbook(instrument)
    tree = criteria_trees.available(session).get(code)
    if tree is None:
        raise ServiceError("no_instrument", code=code)
    return f"tieu-chi-{code}.xlsx", tree_workbook(tree)
