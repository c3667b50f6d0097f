"""Production settings: secure by default, and a clear error when one is missing.

Each check runs ``manage.py`` in a fresh process, as a deployment would, because
settings are read once per process.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def manage(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "PYTEST_", "CELERY_", "MEDREVIEW_"))
        and name != "DATABASE_URL"
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
        "DATABASE_URL": "postgres://medreview@db.invalid:5432/medreview",
        "CELERY_BROKER_URL": "redis://redis.invalid:6379/0",
    }


def production_setting(name: str, **environment: str) -> str:
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print(repr(settings.{name}))",
        **environment,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


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


@pytest.mark.parametrize("variable", ["DATABASE_URL", "CELERY_BROKER_URL"])
def test_starting_without_a_service_url_fails_with_a_clear_message(variable):
    """Without it, production would silently run on SQLite or send no email."""
    environment = production_environment()
    del environment[variable]
    result = manage("check", **environment)
    assert result.returncode != 0
    assert f"{variable} is not set" in result.stderr
    assert "DJANGO_DEBUG=1" in result.stderr


def test_embedded_services_must_be_asked_for_explicitly_with_debug_off():
    environment = production_environment()
    del environment["DATABASE_URL"]
    del environment["CELERY_BROKER_URL"]
    result = manage("check", MEDREVIEW_EMBEDDED_SERVICES="1", **environment)
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_mode_keeps_the_embedded_default():
    assert "sqlite3" in production_setting(
        "DATABASES['default']['ENGINE']", DJANGO_DEBUG="1"
    )
    assert production_setting("CELERY_TASK_ALWAYS_EAGER", DJANGO_DEBUG="1") == "True"


def test_hsts_starts_short_and_preload_is_opt_in():
    environment = production_environment()
    assert production_setting("SECURE_HSTS_SECONDS", **environment) == "3600"
    assert production_setting("SECURE_HSTS_PRELOAD", **environment) == "False"
    environment.update(
        DJANGO_SECURE_HSTS_SECONDS="31536000", DJANGO_SECURE_HSTS_PRELOAD="1"
    )
    assert production_setting("SECURE_HSTS_PRELOAD", **environment) == "True"
    result = manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode == 0, result.stdout + result.stderr
