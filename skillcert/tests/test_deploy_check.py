"""`manage.py check --deploy` with the production environment that docs/operations.md documents."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

OPERATIONS = Path(settings.BASE_DIR) / "docs" / "operations.md"


def documented_production_environment() -> dict[str, str]:
    block = re.search(r"```sh\n# production environment\n(.*?)```", OPERATIONS.read_text(), re.DOTALL)
    assert block, "docs/operations.md lost its production environment block"
    environment = {}
    for line in block.group(1).splitlines():
        name, _, value = line.partition("=")
        # Placeholders stand for secrets the operator generates.
        environment[name] = re.sub(r"<[a-z]+>", lambda _: secrets.token_urlsafe(48), value)
    return environment


def test_the_documented_production_environment_passes_the_deploy_check(tmp_path):
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "skillcert.settings",
        "SKILLCERT_STATE_DIR": str(tmp_path),
        **documented_production_environment(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
