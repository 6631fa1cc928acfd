"""What ``instrument check`` prints for a workbook without problems."""

from __future__ import annotations

from questionnaires.criteria import CriteriaTree, Method
from questionnaires.model import Instrument


def summary(instrument: Instrument) -> dict[str, object]:
    """Code, version, pages, questions, scored questions and content hash."""
    questions = instrument.questions
    return {
        "code": instrument.code,
        "version": instrument.version,
        "pages": len(instrument.sections),
        "questions": len(questions),
        "scored_questions": sum(1 for q in questions if q.points is not None),
        "content_hash": instrument.content_hash,
    }


def tree_summary(tree: CriteriaTree) -> dict[str, object]:
    """Code, version, fields, leaves and the points by method."""
    return {
        "code": tree.code,
        "version": tree.version,
        "fields": len(tree.fields),
        "sub_criteria": len(tree.flatten()),
        "total_points": tree.total(),
        **{f"{m.value}_points": tree.total(m) for m in Method},
    }
