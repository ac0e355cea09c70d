"""Alembic environment of the claim store: migrations always run on a connection claimwatch hands over.

``claimwatch.store.versioning`` builds the Config in code (no alembic.ini) and puts an open SQLAlchemy
connection, already inside a transaction, in ``config.attributes["connection"]``; the whole upgrade then commits
or rolls back with that transaction. Revisions branch on ``op.get_bind().dialect.name`` where the engines differ.
"""
from alembic import context

from claimwatch.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("claimwatch migrations run through claimwatch (claimwatch db upgrade --db URL), "
                       "not the alembic command line")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
