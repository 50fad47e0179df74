"""Rules the suite itself keeps, so that tests stay independent of their order."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB_MARK = re.compile(r"django_db\(([^)]*)\)")


def test_every_transactional_test_restores_the_migrations_rows():
    """A flush without serialized rollback emits post_migrate, which recreates the content types
    under new ids; the next serialized test (browser, parallel writes) then cannot restore."""
    offenders = []
    for path in ROOT.rglob("test*.py"):
        if ".venv" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for arguments in DB_MARK.findall(line):
                if "transaction=True" in arguments and "serialized_rollback=True" not in arguments:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders, "mark these django_db(transaction=True, serialized_rollback=True): " + ", ".join(offenders)
