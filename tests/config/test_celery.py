"""The Celery app: importable everywhere, talking to the configured broker."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_the_celery_app_imports_and_reads_django_settings():
    from config.celery import app

    assert app.main == "medreview"
    assert app.conf.broker_url == settings.CELERY_BROKER_URL


def _eager_in_a_fresh_process(broker_url: str | None) -> str:
    """``task_always_eager`` as the site's own settings make it (not the suite's)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "PYTEST_", "CELERY_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_DEBUG="1")
    if broker_url:
        env["CELERY_BROKER_URL"] = broker_url
    result = subprocess.run(  # noqa: S603 - fixed command, our own interpreter
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from config.celery import app; "
            "print(app.conf.task_always_eager)",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_without_a_broker_tasks_run_in_process():
    assert _eager_in_a_fresh_process(None) == "True"


def test_with_a_broker_tasks_go_to_the_workers():
    assert _eager_in_a_fresh_process("redis://127.0.0.1:6379/0") == "False"


@pytest.mark.broker
def test_the_broker_accepts_a_connection_and_returns_a_message():
    from config.celery import app

    queue_name = f"medreview-test-{uuid.uuid4().hex}"
    token = uuid.uuid4().hex
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        queue = connection.SimpleQueue(queue_name)
        try:
            queue.put({"token": token})
            message = queue.get(block=True, timeout=3)
            message.ack()
            assert message.payload == {"token": token}
        finally:
            queue.close()
            queue.queue.delete()
