"""Each state machine has one owner module: nothing else assigns `state` or `status` (a lint)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The modules allowed to write each field. Every other module asks them.
OWNERS = {
    "status": {
        "applications/lifecycle.py",  # Application.status
        "paysim/services.py",  # the simulator's refunds and its HTTP errors
    },
    "state": {
        "payments/states.py",  # Order, Payment, Refund
        "payments/invoicing.py",  # InvoiceRequest
        "notifications/tasks.py",  # Delivery
        "exams/states.py",  # Arrangement
        "scoring/states.py",  # Sheet, Amendment, ScoreImport, Panel, Publicity, Objection
        "certificates/states.py",  # Certificate
        "paysim/services.py",  # the WeChat Pay simulator's own records
    },
}
# Not model fields: an HTTP status kept on a provider's exception.
NOT_MODEL_FIELDS = {"payments/providers/base.py", "payments/providers/wechat.py"}
WRITING_CALLS = {"create", "update", "get_or_create", "update_or_create"}
SKIPPED_PARTS = {".venv", "migrations", "tests", "node_modules", "bench", "static"}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_PARTS & set(relative.parts) or relative.name == "conftest.py":
            continue
        yield relative.as_posix(), ast.parse(path.read_text(), filename=str(relative))


def _writes(tree: ast.AST):
    """(field, line) of every `x.state = …` and every `.create(state=…)` / `.update(state=…)`."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, ast.Attribute) and part.attr in OWNERS:
                        yield part.attr, node.lineno
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITING_CALLS:
            for keyword in node.keywords:
                if keyword.arg in OWNERS:
                    yield keyword.arg, node.lineno


def test_only_the_owner_modules_assign_state_or_status():
    strays = [
        f"{module}:{line} writes {field}"
        for module, tree in _modules()
        if module not in NOT_MODEL_FIELDS
        for field, line in _writes(tree)
        if module not in OWNERS[field]
    ]
    assert strays == [], "call the owner's transition instead:\n" + "\n".join(strays)


def test_the_lint_sees_a_stray_assignment():
    stray = ast.parse("order.state = 'paid'\nOrder.objects.filter(pk=1).update(state='paid')\n")
    assert list(_writes(stray)) == [("state", 1), ("state", 2)]
