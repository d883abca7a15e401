"""Insights: HR's participation reports and their exports. Numbers about people, never
what they wrote; small groups are suppressed. Read from the activity ledger."""
