"""A person's language is theirs to choose: until now nobody could, and everyone was "en";
now "" means none chosen, and pages follow the browser's language."""


def up(migrator, db):
    db.execute_sql("UPDATE person SET locale = '' WHERE locale = 'en'")
