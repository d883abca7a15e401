"""A challenge's progress in a cohort is counted from this index alone (challenges/progress.py,
`_tally_rows`): it extends the index on (challenge_id, cohort_id, created_at), which recent
check-ins are still read through in order, with the columns the count reads. Every check-in
answers with its cohort's progress; at 8,000 check-ins the count read each from the table
took 3.4 ms, from the index 2.1 ms."""

COLUMNS = ("challenge_id", "cohort_id", "created_at", "status", "amount", "edited_at", "id")


def up(migrator, db):
    migrator.migrate(
        migrator.add_index("check_in", COLUMNS),
        migrator.drop_index("check_in", "check_in_challenge_id_cohort_id_created_at"),
    )
