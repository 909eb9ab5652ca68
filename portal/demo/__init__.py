"""The demo shop that `manage.py load_demo` builds: believable, idempotent, one step per module.

Every step creates only what is missing, keyed on natural keys (slugs, UPCs, emails,
order numbers), and never changes what is there, so a second run changes nothing.
"""
