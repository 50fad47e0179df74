"""Every action the source records is declared by its app, with a label a person can read."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from audit import kinds
from audit.kinds import ActionKind, UndeclaredActionKind
from audit.services import record

HAN = re.compile(r"[\u4e00-\u9fff]")
# record() calls whose action is a variable; the values they carry are declared and
# recorded by the suite, which refuses undeclared kinds.
VARIABLE_SITES = {("applications/downloads.py", "DOWNLOADED"), ("applications/lifecycle.py", "action")}
VARIABLE_SITES |= {("catalog/holidays.py", "action"), ("exams/states.py", "action")}


def _record_calls():
    """(path, first argument) of every record(...) and record_many(...) outside the tests."""
    for path in sorted(Path(settings.BASE_DIR).glob("*/**/*.py")):
        if {".venv", "tests", "migrations"} & set(path.parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if isinstance(node, ast.Call) and name in ("record", "record_many") and node.args:
                yield str(path.relative_to(settings.BASE_DIR)), node.args[0]


def _names(argument: ast.expr) -> list[str]:
    """The action names an argument can take; formatted parts become "x"."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return [argument.value]
    if isinstance(argument, ast.JoinedStr):
        parts = [p.value if isinstance(p, ast.Constant) else "{" + ast.unparse(p.value) + "}" for p in argument.values]
        return [re.sub(r"\{(?!tier\})[^}]*\}", "x", "".join(parts))]
    if isinstance(argument, ast.IfExp):
        return _names(argument.body) + _names(argument.orelse)
    if isinstance(argument, ast.BinOp) and isinstance(argument.left, ast.Constant):
        return [argument.left.value + "x"]
    return []


def test_every_recorded_action_is_declared_with_a_chinese_label():
    variables, undeclared = set(), []
    for path, argument in _record_calls():
        if isinstance(argument, ast.Name):
            variables.add((path, argument.id))
        for name in _names(argument):
            for tier in ("city", "association"):
                action = name.replace("{tier}", tier)
                if kinds.kind_of(action) is None and not action.endswith("x"):
                    undeclared.append(f"{path}: {action}")
    assert undeclared == []
    assert variables == VARIABLE_SITES  # a new variable site: check its values are declared
    assert [kind.key for kind in kinds.declared() if not HAN.search(str(kind.label))] == []


def test_a_computed_refund_kind_is_declared_for_every_refund_state():
    from payments.models import Refund

    assert all(kinds.kind_of(f"payments.refund.{state}") for state in Refund.State.values)


def test_families_cover_the_computed_names_and_label_them():
    assert kinds.label_of("admin.applications.application.changed") == "后台修改"
    assert kinds.label_of("exports.review_queue") == "导出列表"
    assert kinds.kind_of("admin") is None


def test_record_refuses_an_undeclared_kind_and_writes_nothing(people):
    from audit.models import AuditEvent

    with pytest.raises(UndeclaredActionKind):
        record("applications.vanished", actor=people["association"])
    assert not AuditEvent.objects.filter(action="applications.vanished").exists()


def test_a_kind_cannot_be_declared_twice_with_another_meaning():
    with pytest.raises(ValueError):
        kinds.declare(ActionKind("review.city.approved", "别的意思"))
