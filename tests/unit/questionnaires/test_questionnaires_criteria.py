"""Criteria trees: builtin trees sum correctly; invalid trees fail readably."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaires import CriteriaError, builtin_criteria_trees, load_criteria_tree
from questionnaires.criteria import CRITERIA_DIR, Method, criteria_tree_from_data


def test_provincial_tree_has_eight_fields_and_68_plus_32_points() -> None:
    tree = builtin_criteria_trees()["province_2022"]
    assert tree.level == "province"
    assert len(tree.fields) == 8
    assert tree.total() == 100
    assert tree.total(Method.APPRAISAL) == 68
    assert tree.total(Method.SURVEY) + tree.total(Method.SIPAS) == 32
    assert "not public" in tree.note.en


def test_commune_tree_has_35_survey_points() -> None:
    tree = builtin_criteria_trees()["commune_2021"]
    assert tree.total() == 100 and tree.total(Method.SURVEY) == 35


def test_flatten_rows_name_their_criterion_and_field() -> None:
    tree = builtin_criteria_trees()["province_2022"]
    rows = {row.code: row for row in tree.flatten()}
    assert (rows["3.2.3"].criterion, rows["3.2.3"].field) == ("3.2", "3")
    assert rows["1.7"].criterion == "1.7" and rows["1.7"].method is Method.APPRAISAL
    assert rows["8.1"].method is Method.SIPAS and rows["8.1"].max_points == 10
    assert sum(r.max_points for r in rows.values()) == pytest.approx(100)
    assert tree.leaf("3.2") is None and tree.leaf("3.2.3") == rows["3.2.3"]


def test_builtin_trees_reload_identically() -> None:
    for path in CRITERIA_DIR.glob("*.yaml"):
        tree = load_criteria_tree(path)
        assert builtin_criteria_trees()[tree.code] == tree


def small_tree() -> dict[str, Any]:
    return {
        "code": "tiny",
        "version": "1",
        "level": "commune",
        "title": {"vi": "Nhỏ", "en": "Tiny"},
        "note": {"vi": "Ghi chú", "en": "Note"},
        "total_points": 10,
        "totals": {"appraisal": 6, "survey": 4},
        "fields": [
            {
                "code": "1",
                "title": {"vi": "Lĩnh vực", "en": "Field"},
                "max_points": 10,
                "criteria": [
                    {
                        "code": "1.1",
                        "title": {"vi": "A", "en": "A"},
                        "max_points": 6,
                        "method": "appraisal",
                    },
                    {
                        "code": "1.2",
                        "title": {"vi": "B", "en": "B"},
                        "max_points": 4,
                        "method": "survey",
                        "sub_criteria": [
                            {"code": "1.2.1", "title": {"vi": "C", "en": "C"}, "max_points": 1},
                            {"code": "1.2.2", "title": {"vi": "D", "en": "D"}, "max_points": 3},
                        ],
                    },
                ],
            }
        ],
    }


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(CriteriaError) as info:
        criteria_tree_from_data(data, "tiny.yaml")
    return [str(p) for p in info.value.problems]


def test_small_tree_loads() -> None:
    tree = criteria_tree_from_data(small_tree())
    assert [r.code for r in tree.flatten()] == ["1.1", "1.2.1", "1.2.2"]
    assert tree.total(Method.SURVEY) == 4


def test_children_must_sum_to_parent() -> None:
    data = small_tree()
    data["fields"][0]["criteria"][1]["sub_criteria"][1]["max_points"] = 2.5
    found = problems(data)
    assert any(
        "fields[0](1).criteria[1](1.2): max_points 4 differs from the sum of its children 3.5" in p
        for p in found
    )
    # the field adds its criteria's declared maxima (6 + 4), so only 1.2 is wrong
    assert not any("fields[0](1): max_points" in p for p in found)


def test_duplicate_codes_unknown_method_and_bad_totals() -> None:
    data = small_tree()
    subs = data["fields"][0]["criteria"][1]["sub_criteria"]
    subs[1]["code"] = "1.2.1"
    data["fields"][0]["criteria"][0]["method"] = "guess"
    data["totals"] = {"appraisal": 5, "survey": 4, "vibes": 1}
    found = problems(copy.deepcopy(data))
    assert any("duplicate code 1.2.1" in p for p in found)
    assert any("unknown Method 'guess'" in p for p in found)
    data["fields"][0]["criteria"][0]["method"] = "appraisal"
    subs[1]["code"] = "1.2.2"
    found = problems(data)
    assert any("totals.appraisal: declared 5 but appraisal leaves sum to 6" in p for p in found)
    assert any("totals.vibes: unknown Method" in p for p in found)


def test_codes_must_nest_and_be_strings() -> None:
    data = small_tree()
    data["fields"][0]["criteria"][1]["sub_criteria"][0]["code"] = "2.2.1"
    data["fields"][0]["criteria"][0]["code"] = 1.1
    found = problems(data)
    assert any("should start with its parent's code 1.2." in p for p in found)
    assert any("quote values" in p for p in found)


def test_leaf_without_method_and_missing_total(tmp_path: Path) -> None:
    data = small_tree()
    del data["fields"][0]["criteria"][0]["method"]
    data["total_points"] = 12
    found = problems(data)
    assert any("a leaf needs a method" in p for p in found)
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(small_tree(), allow_unicode=True), encoding="utf-8")
    assert load_criteria_tree(path).code == "tiny"
