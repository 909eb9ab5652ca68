"""The reminder engine's writers, one module per idea; the reads they need are in `loyalty.reminders.selectors`.

The database is the source of truth: one `ReminderSend` row per (trigger, customer, cause), so
running any of these again changes nothing that was done.

- `selection`: the beat job's run: each rule selects its customers (a send row each, the control
  group held out), and pending sends are handed to workers in chunks.
- `delivery`: a chunk of sends becomes inbox notifications and outbox emails in one transaction,
  respecting quiet hours, withdrawn channels and the weekly cap.
- `outbox`: the queued emails are claimed, sent over one mail connection, retried or given up.
- `consent`: a customer's choices and the evidence of what they were asked (sign-up, the
  preferences page, an unsubscribe link).
- `clicks`: a click on a tracked link, counted.
"""
