"""Database errors the command line reports; apart from `database` so that catching them
loads neither SQLAlchemy nor Alembic (a command that never opens the database stays quick)."""


class NotMigratedError(Exception):
    """The database schema is older than this code (or empty)."""
