"""Production settings: secure by default, and a clear error when one is missing.

Each check runs ``manage.py`` in a fresh process, as a deployment would, because
settings are read once per process.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def manage(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "PYTEST_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **environment)
    return subprocess.run(  # noqa: S603 - fixed command, our own interpreter
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def production_environment() -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60)[:60],
        "DJANGO_ALLOWED_HOSTS": "example.org",
    }


def test_the_deployment_check_passes_with_production_settings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **production_environment()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_starting_without_a_secret_key_fails_with_a_clear_message():
    environment = production_environment()
    del environment["DJANGO_SECRET_KEY"]
    result = manage("check", **environment)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_mode_runs_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stdout + result.stderr
