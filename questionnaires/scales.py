"""Built-in answer scales (DOMAIN.md §8, §9).

* ``rating4``: the officials' 4-option rating. Default shares 100 / 60 / 20 / 0 % of the
  question's points (one province's published convention; **configurable** per question by
  giving ``options``), plus a non-substantive "don't know / no answer" option excluded from
  scores.
* ``likert5``: the SIPAS satisfaction scale, values "1".."5"; a question's satisfaction index
  counts "4" (Hài lòng) and "5" (Rất hài lòng) as satisfied.
"""

from __future__ import annotations

from questionnaires.model import LocalizedText, Option

DONT_KNOW = "dk"

RATING4_OPTIONS: tuple[Option, ...] = (
    Option("good", LocalizedText("Tốt", "Good"), 1.0),
    Option("fair", LocalizedText("Khá", "Fairly good"), 0.6),
    Option("average", LocalizedText("Trung bình", "Average"), 0.2),
    Option("poor", LocalizedText("Kém", "Poor"), 0.0),
    Option(
        DONT_KNOW,
        LocalizedText("Không biết / không trả lời", "Don't know / no answer"),
        None,
        substantive=False,
    ),
)

LIKERT5_OPTIONS: tuple[Option, ...] = (
    Option("1", LocalizedText("Rất không hài lòng", "Very dissatisfied"), 0.0),
    Option("2", LocalizedText("Không hài lòng", "Dissatisfied"), 0.25),
    Option("3", LocalizedText("Bình thường", "Neutral"), 0.5),
    Option("4", LocalizedText("Hài lòng", "Satisfied"), 0.75),
    Option("5", LocalizedText("Rất hài lòng", "Very satisfied"), 1.0),
)

SATISFIED_VALUES: frozenset[str] = frozenset({"4", "5"})
