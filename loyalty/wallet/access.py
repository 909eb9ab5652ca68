"""Who may use the wallet's staff page, as an Oscar permission list (plain data, read by portal's menu)."""

STORE_CREDIT_ISSUERS = ["is_staff", "wallet.issue_store_credit"]
