"""Staff pages in Oscar's dashboard: programme rules, a customer's ledger, distributions."""
