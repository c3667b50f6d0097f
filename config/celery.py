"""The Celery application.

Workers start with ``celery -A config worker``; tasks are discovered in each app's
``tasks.py``. Broker and behaviour come from Django settings (``CELERY_*``).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("medreview")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
