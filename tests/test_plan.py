"""goldmap.plan(): the plan's targets and Column 1, checked against the plan's own text."""

from __future__ import annotations

import re

import goldmap


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_targets_and_column1_are_the_plan_s_words() -> None:
    plan = goldmap.plan()
    text = _squash(goldmap.plan_text())
    assert len(plan["targets"]) >= 4
    numbers = [re.findall(r"\d+", target["zh"]) for target in plan["targets"]]
    for target, digits in zip(plan["targets"], numbers, strict=True):
        assert digits and all(d in text for d in digits), target
    kinds = [part["kind"] for part in plan["column1"]["parts"]]
    assert {"exploration", "development", "mines"} <= set(kinds)
    mines = next(p for p in plan["column1"]["parts"] if p["kind"] == "mines")
    for name in ("三山岛", "塞瓦亚尔顿", "以地南", "哈德门"):
        assert name in mines["zh"] and name in text


def test_plan_is_a_fresh_copy_each_call() -> None:
    first = goldmap.plan()
    first["targets"].clear()
    assert goldmap.plan()["targets"]


def test_goldmap_plan_is_the_function_not_a_module() -> None:
    import importlib.util
    import inspect

    assert inspect.isfunction(goldmap.plan)
    assert goldmap.plan.__module__ == "goldmap._plan"
    # No module of that name can replace the function once imported.
    assert importlib.util.find_spec("goldmap.plan") is None
    assert "plan" in goldmap.__all__ and "plan_text" in goldmap.__all__
