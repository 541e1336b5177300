"""Use cases shared by views and the CLI. Services own transactions and audit entries."""
