"""Polls and pulse checks in the cohort space: quick questions, with honest anonymity."""
