"""The audit log: who did what sensitive thing, when. Append-only."""
