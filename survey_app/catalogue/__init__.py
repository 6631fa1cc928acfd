"""The one error catalogue: every code a user may meet, with its Vietnamese and English message.

The pure libraries raise typed errors with stable codes and no user text of their own (they
carry an English ``detail`` for logs at most); this package is the only place that turns a code
into words. ``tests/integration/test_catalogue.py`` proves every code of every library and of
the application has both messages and is raised somewhere.
"""

from __future__ import annotations

from typing import Any

from designs import Problem
from questionnaires.answer_errors import AnswerError
from survey_app.catalogue.analysis import ANALYSIS
from survey_app.catalogue.answers import ANSWERS
from survey_app.catalogue.app import APP
from survey_app.catalogue.assessment import ASSESSMENT
from survey_app.catalogue.designs import DESIGNS
from survey_app.catalogue.ingest import INGEST
from survey_app.catalogue.requests import REQUESTS
from survey_app.catalogue.sampling import SAMPLING

CATALOGUE: dict[str, tuple[str, str]] = {
    **APP,
    **ASSESSMENT,
    **REQUESTS,
    **INGEST,
    **ANSWERS,
    **SAMPLING,
    **ANALYSIS,
    **DESIGNS,
}


def render(code: str, locale: str, params: dict[str, Any]) -> str:
    """The message of ``code`` in ``locale`` ('vi' or 'en') with parameters filled in."""
    vi, en = CATALOGUE[code]
    return (en if locale == "en" else vi).format(**params)


def library_message(error: Exception, locale: str) -> str:
    """The message of a pure library's typed error (sampling, analysis), never its English
    text; an error without a catalogued code gets the generic one."""
    import sampling
    from analysis.errors import AnalysisError

    if isinstance(error, sampling.SamplingError):
        code = f"sampling.{error.code}"
    elif isinstance(error, AnalysisError):
        code = error.code.value
    else:
        code = ""
    return render(code if code in CATALOGUE else "internal", locale, {})


def answer_message(error: AnswerError, locale: str) -> str:
    """The message of one answer problem found by ``questionnaires.validate_answers``: the
    questionnaire's own ``constraint_message`` when it has one for this problem."""
    own = error.params.get("message_en" if locale.startswith("en") else "message_vi")
    if isinstance(own, str) and own:
        return own
    return render(f"answer.{error.code.value}", locale, error.params)


def design_problem(problem: Problem, locale: str) -> str:
    """One problem of a design, after its path: ``groups[2].selection.quota: …``."""
    message = render(f"design.{problem.code}", locale, dict(problem.params))
    return f"{problem.path}: {message}" if problem.path else message
