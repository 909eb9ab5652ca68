"""The fake Stripe server's own tests; nothing here touches the database.

Its fixtures and the browser launch options come from tests/conftest.py.
"""
