"""Warehouse DDL: tables and BI views, built from the canonical frames."""

from __future__ import annotations

from sqlalchemy import Column, Index, MetaData, PrimaryKeyConstraint, Table, inspect, select
from sqlalchemy.engine import Connection

from virage.schemas.fields import (
    ACCOUNTS,
    INGESTED_FILES,
    PIPELINE_RUNS,
    POSTS,
    QUARANTINE,
    SCORES,
    VALIDATION_RESULTS,
    Frame,
)

metadata = MetaData()


def _table(frame: Frame, *extra) -> Table:
    columns = [Column(f.name, f.sql, nullable=f.nullable, comment=f.doc) for f in frame.fields]
    constraints = [PrimaryKeyConstraint(*frame.key)] if frame.key else []
    return Table(frame.name, metadata, *columns, *constraints, *extra, comment=frame.grain)


influence_scores = _table(
    SCORES, Index("ix_influence_scores_campaign_role", "as_of_date", "campaign_id", "role", "rank")
)
posts = _table(POSTS, Index("ix_posts_person_posted", "person_id", "posted_at"))
accounts = _table(ACCOUNTS, Index("ix_accounts_person", "person_id"))
ingested_files = _table(INGESTED_FILES)
quarantine = _table(QUARANTINE, Index("ix_quarantine_run", "run_id"))
pipeline_runs = _table(PIPELINE_RUNS)
validation_results = _table(VALIDATION_RESULTS, Index("ix_validation_results_run", "run_id"))

# BI views: (name, SELECT). Their columns are those of the table they read.
_latest_day = (
    select(influence_scores.c.as_of_date)
    .order_by(influence_scores.c.as_of_date.desc())
    .limit(1)
    .scalar_subquery()
)
VIEWS: dict[str, tuple[Table, object]] = {
    "current_influence_scores": (
        influence_scores,
        select(*influence_scores.columns).where(influence_scores.c.as_of_date == _latest_day),
    ),
}

_view_metadata = MetaData()
view_tables: dict[str, Table] = {
    name: Table(name, _view_metadata, *(c._copy() for c in base.columns))
    for name, (base, _) in VIEWS.items()
}
"""Read-only Table objects over the views, for typed SELECTs."""


def create_schema(conn: Connection) -> None:
    """Create missing tables and columns and (re)create the BI views; safe to call
    every run."""
    metadata.create_all(conn)
    _add_missing_columns(conn)
    for name, (_, query) in VIEWS.items():
        sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"CREATE OR REPLACE VIEW {name} AS {sql}")
        else:
            conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")
            conn.exec_driver_sql(f"CREATE VIEW {name} AS {sql}")


def _add_missing_columns(conn: Connection) -> None:
    """Bring a warehouse created by an earlier virage up to date: add missing nullable
    columns in place; rebuild a table whose key or NOT NULL columns changed, keeping
    its rows. A new NOT NULL column cannot be filled, so it is refused."""
    present = inspect(conn)
    quote = conn.dialect.identifier_preparer.quote
    for table in metadata.sorted_tables:
        have = {c["name"]: c for c in present.get_columns(table.name)}
        missing = [c for c in table.columns if c.name not in have]
        required = [c.name for c in missing if not c.nullable]
        if required:
            raise OutdatedWarehouse(
                f"table {table.name} lacks the required column(s) {', '.join(required)}; it "
                "was created by another version of virage and cannot be upgraded in place"
            )
        for column in missing:
            kind = column.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(
                f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {kind}"
            )
        key = present.get_pk_constraint(table.name)
        loosened = [
            c.name
            for c in table.columns
            if c.name in have and c.nullable and not have[c.name]["nullable"]
        ]
        if loosened or list(key["constrained_columns"]) != [c.name for c in table.primary_key]:
            _rebuild(conn, table, present, key.get("name"))
            present = inspect(conn)


def _rebuild(conn: Connection, table: Table, present, key_name: str | None) -> None:
    """Recreate `table` as the schema declares it and copy its rows over, inside the
    caller's transaction (views are dropped here and recreated by create_schema)."""
    quote = conn.dialect.identifier_preparer.quote
    for view in VIEWS:
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {quote(view)}")
    old = f"{table.name}__before_upgrade"
    for index in present.get_indexes(table.name):
        conn.exec_driver_sql(f"DROP INDEX {quote(index['name'])}")
    if conn.dialect.name == "postgresql" and key_name:
        # PostgreSQL names the key's index after the table: free the name.
        conn.exec_driver_sql(f"ALTER TABLE {quote(table.name)} DROP CONSTRAINT {quote(key_name)}")
    conn.exec_driver_sql(f"ALTER TABLE {quote(table.name)} RENAME TO {quote(old)}")
    table.create(conn)
    names = ", ".join(quote(c.name) for c in table.columns)
    conn.exec_driver_sql(
        f"INSERT INTO {quote(table.name)} ({names}) SELECT {names} FROM {quote(old)}"
    )
    conn.exec_driver_sql(f"DROP TABLE {quote(old)}")


class OutdatedWarehouse(Exception):
    """The warehouse needs a change virage cannot make in place."""
