"""The Celery application. Settings come from Django's, under the CELERY_ namespace."""

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.embedded")

# Split by the kind of work so a long scheduling run never delays a reminder or a PDF.
QUEUES = ("default", "scheduling", "reminders", "documents")

app = Celery("atelier")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name, Exchange(name), routing_key=name) for name in QUEUES]
app.autodiscover_tasks()
