"""Programs, cohorts, memberships, the cohort builder and the cohort space."""
