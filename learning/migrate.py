"""Schema migrations: numbered scripts in learning/migrations, applied in order."""

from pathlib import Path

from playhouse.migrations import Runner

from learning.db import db

DIRECTORY = Path(__file__).with_name("migrations")


def runner():
    return Runner(db.obj, directory=str(DIRECTORY))


def migrate():
    """Apply every pending migration; returns their names."""
    with db.connection_context():
        return runner().up()
