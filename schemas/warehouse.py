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
    """Bring a warehouse created by an earlier virage up to date where that is a plain
    addition: add missing nullable columns and, on PostgreSQL, drop NOT NULL from
    columns that became nullable. Anything else needs a real migration."""
    present = inspect(conn)
    quote = conn.dialect.identifier_preparer.quote
    for table in metadata.sorted_tables:
        have = {c["name"]: c for c in present.get_columns(table.name)}
        for column in table.columns:
            name = f"{quote(table.name)}.{quote(column.name)}"
            found = have.get(column.name)
            if found is None and column.nullable:
                kind = column.type.compile(dialect=conn.dialect)
                conn.exec_driver_sql(
                    f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {kind}"
                )
            elif found is not None and column.nullable and not found["nullable"]:
                if conn.dialect.name != "postgresql":
                    raise OutdatedWarehouse(
                        f"column {name} of this warehouse is NOT NULL but may now be empty; "
                        "it was created by an older virage: move the file aside and run again "
                        "(every file in the landing zone is then read into a new one)"
                    )
                conn.exec_driver_sql(
                    f"ALTER TABLE {quote(table.name)} ALTER COLUMN {quote(column.name)} "
                    "DROP NOT NULL"
                )


class OutdatedWarehouse(Exception):
    """The warehouse needs a change virage cannot make in place."""
