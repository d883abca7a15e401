"""Team challenges, check-ins, progress, streaks and cohort boards."""
