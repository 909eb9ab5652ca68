"""State the portal itself keeps: worker heartbeats for the health page."""

from django.db import models


class Heartbeat(models.Model):
    """The last time a periodic task reached a worker: proof that beat, broker and worker all run."""

    name = models.CharField(max_length=60, primary_key=True)
    beat_at = models.DateTimeField()
    hostname = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
