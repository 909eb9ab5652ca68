"""The project's shared kernel: a small vocabulary of the order that every app may use.

It sits below every app (import-linter checks it) and imports none of them, nor Oscar,
Wagtail or Celery: settings read `atelier.orders` before any app is loaded.
"""
