"""The models and the migrations agree, whatever the hash seed (sets have no stable order)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from accounts.models import CITY_ROLE_VALUES, CITY_ROLES


def test_city_role_values_are_the_city_roles():
    assert set(CITY_ROLE_VALUES) == {role.value for role in CITY_ROLES}


@pytest.mark.parametrize("seed", ["1", "2"])
def test_no_migration_is_missing(seed, tmp_path):
    # A throwaway database and state folder: makemigrations reads the migration history,
    # and a clean clone has no var/ yet.
    env = {
        **os.environ,
        "PYTHONHASHSEED": seed,
        "DJANGO_SETTINGS_MODULE": "skillcert.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        "SKILLCERT_STATE_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
