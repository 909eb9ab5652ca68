"""Atelier's Django project: settings, URLs, Celery, CMS pages and the glue between apps."""

from .celery import app as celery_app

__all__ = ["celery_app"]
