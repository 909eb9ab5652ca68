"""Points ledger, earn and redeem rules, tiers, segments, reminders and notifications."""
