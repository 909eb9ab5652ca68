"""Value analytics (issue #19): what each order line cost, frozen at purchase, and later the
figures built on it. Reads the other apps; only portal reads it (docs/architecture.md)."""
