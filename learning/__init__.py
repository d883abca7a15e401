"""The platform: configuration, database, people, sign-in, jobs, mail, ledger and audit log."""
