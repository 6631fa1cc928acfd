"""Criteria trees: the shipped ones and those an administrator published, by code.

A published tree is stored once with its canonical document and content hash and never
changes; its code names it for good (a province's new table for next year is a new code, so a
campaign that scored against a tree keeps scoring against the same one). Everything that needs
a tree (checking a questionnaire, a design, results, appraisal) asks :func:`available`.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from questionnaires import builtin_criteria_trees
from questionnaires.criteria import (
    CriteriaTree,
    criteria_tree_from_data,
    tree_document,
    tree_hash,
)
from questionnaires.errors import CriteriaError
from survey_app.errors import ServiceError
from survey_app.persistence.models import CriteriaTree as TreeRow

_BUILT: dict[str, CriteriaTree] = {}
"""Stored trees rebuilt in this process, by content hash (immutable, so never stale)."""


def _tree(row: TreeRow) -> CriteriaTree:
    known = _BUILT.get(row.content_hash)
    if known is not None:
        return known
    try:
        tree = criteria_tree_from_data(row.definition, f"<stored {row.code}>")
    except CriteriaError as exc:
        raise ServiceError("tree_changed", code=row.code) from exc
    if tree_hash(tree) != row.content_hash:
        raise ServiceError("tree_changed", code=row.code)
    if len(_BUILT) < 256:
        _BUILT[row.content_hash] = tree
    return tree


def available(session: Session | None) -> Mapping[str, CriteriaTree]:
    """Every tree by code: the shipped ones, and with a session the published ones (which
    win: a later release shipping a tree under a published code never replaces it)."""
    trees = dict(builtin_criteria_trees())
    if session is not None:
        for row in session.scalars(select(TreeRow).order_by(TreeRow.code)):
            trees[row.code] = _tree(row)
    return trees


def published(session: Session) -> list[tuple[TreeRow, CriteriaTree]]:
    """The published trees with their rows, by code."""
    return [(row, _tree(row)) for row in session.scalars(select(TreeRow).order_by(TreeRow.code))]


def publish(session: Session, tree: CriteriaTree) -> TreeRow:
    """The stored row of this tree, created on first publication.

    ``tree_taken`` when the code is a shipped tree's or another published tree's with other
    content; the database's unique code decides between two administrators at once."""
    digest = tree_hash(tree)
    shipped = builtin_criteria_trees().get(tree.code)
    if shipped is not None:
        raise ServiceError("tree_taken", code=tree.code)
    existing = session.scalar(select(TreeRow).where(TreeRow.code == tree.code))
    if existing is None:
        row = TreeRow(
            code=tree.code,
            version=tree.version,
            content_hash=digest,
            definition=tree_document(tree),
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            return row
        except IntegrityError:
            existing = session.scalar(select(TreeRow).where(TreeRow.code == tree.code))
            assert existing is not None
    if existing.content_hash != digest:
        raise ServiceError("tree_taken", code=tree.code)
    return existing
