"""Reading a respondent's JSON body (autosave, offline submit) within fixed bounds.

``request.get_json`` would read up to the upload limit (11 MB), let Python's parser recurse
once per nested ``[`` (100,000 of them raise RecursionError: a 500) and convert a 5,000-digit
number with ``int()`` (ValueError). Here the body is refused past ``MAX_JSON_BYTES``, its
nesting is counted on the text before parsing, and numbers are kept as the text they were
sent as, so that the questionnaire library decides about them (too long, not a number) next
to the question, as it does for form fields.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum

from flask import Request

MAX_JSON_BYTES = 256 * 1024
"""A full questionnaire with every text box filled is about 40 KB."""
MAX_JSON_DEPTH = 6
"""{"answers": {"q": ["a"]}} is 3 deep."""
MAX_ANSWERS = 1000

# A JSON string (escapes included), in the unrolled form that needs no backtracking.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")


class BodyProblem(StrEnum):
    """Why a JSON body was refused; each has a message in the respondent blueprint."""

    TOO_LARGE = "too_large"
    NOT_JSON = "not_json"
    TOO_DEEP = "too_deep"
    NOT_AN_OBJECT = "not_an_object"
    TOO_MANY_ANSWERS = "too_many_answers"


def nesting_depth(text: str, stop_at: int = MAX_JSON_DEPTH) -> int:
    """How deeply arrays and objects nest in a JSON text (brackets inside strings ignored);
    counting stops once past ``stop_at``."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > stop_at:
                break
        else:
            depth -= 1
    return deepest


def read_object(request: Request) -> dict[str, object] | BodyProblem:
    """The request's JSON object, numbers left as their text; or why it was refused."""
    if (request.content_length or 0) > MAX_JSON_BYTES:
        return BodyProblem.TOO_LARGE
    data = request.get_data(cache=True)
    if len(data) > MAX_JSON_BYTES:
        return BodyProblem.TOO_LARGE
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return BodyProblem.NOT_JSON
    if nesting_depth(text) > MAX_JSON_DEPTH:
        return BodyProblem.TOO_DEEP
    try:
        payload = json.loads(text, parse_int=str, parse_float=str, parse_constant=str)
    except (ValueError, RecursionError):
        return BodyProblem.NOT_JSON
    if not isinstance(payload, dict):
        return BodyProblem.NOT_AN_OBJECT
    answers = payload.get("answers")
    if isinstance(answers, dict) and len(answers) > MAX_ANSWERS:
        return BodyProblem.TOO_MANY_ANSWERS
    return payload
