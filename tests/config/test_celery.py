"""The Celery app: importable everywhere, talking to the configured broker."""

import os
import uuid

import pytest
from django.conf import settings


def test_the_celery_app_imports_and_reads_django_settings():
    from config.celery import app

    assert app.main == "medreview"
    assert app.conf.broker_url == settings.CELERY_BROKER_URL


def test_without_a_broker_tasks_run_in_process():
    from config.celery import app

    has_broker = bool(os.environ.get("CELERY_BROKER_URL"))
    assert app.conf.task_always_eager is not has_broker


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
