"""Creating and upgrading a warehouse: safe to run at the start of every run.

Two mechanisms, both inside the caller's transaction so an upgrade is all or nothing:
- the declared schema is applied as a whole: missing tables and nullable columns are
  added, a table whose key or NOT NULL columns changed is rebuilt with its rows;
- numbered steps (MIGRATIONS) do what a declaration cannot: move or derive data, add
  constraints to tables that already hold rows. `virage_schema_versions` records
  each step applied, so every step runs once per warehouse.
A new warehouse gets the declared schema and is marked as having every step. A
warehouse written by a newer virage (a step this version does not know) is refused
rather than written with an older idea of the tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Table, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.schema import AddConstraint

from virage.schemas.views import create_views, drop_views
from virage.schemas.warehouse import influence_scores, metadata, schema_versions


def _baseline(conn: Connection) -> None:
    """Nothing to do: the tables virage wrote before versioning are the baseline."""


def _dimensions(conn: Connection) -> None:
    """Fill `people` and `campaigns` from the scores already published, then make
    influence_scores reference them (PostgreSQL; SQLite cannot add a constraint to
    an existing table and would not enforce it)."""
    fill_dimensions_from(conn, influence_scores)
    if conn.dialect.name != "postgresql":
        return
    present = {fk["name"] for fk in inspect(conn).get_foreign_keys(influence_scores.name)}
    for constraint in influence_scores.foreign_key_constraints:
        if constraint.name not in present:
            # isolate_from_table would leave the key out of every CREATE TABLE this
            # process issues later: a new warehouse without its foreign keys.
            conn.execute(AddConstraint(constraint, isolate_from_table=False))


def fill_dimensions_from(conn: Connection, scores: Table) -> None:
    """Add the people and campaigns that rows of `scores` name and the dimensions
    lack: a scored person consented; a campaign's name defaults to its id until
    campaigns.yaml gives one."""
    from virage.schemas.warehouse import campaigns, people

    new_people = (
        select(scores.c.person_id, scores.c.display_name, scores.c.role)
        .where(scores.c.person_id.not_in(select(people.c.person_id)))
        .distinct()
    )
    # A person renamed between days appears twice: keep one row (any name will do
    # until the roster, published with the next night, gives the current one).
    found = {row.person_id: row._asdict() | {"consent": True} for row in conn.execute(new_people)}
    if found:
        conn.execute(insert(people), list(found.values()))
    campaign_ids = conn.execute(
        select(scores.c.campaign_id)
        .where(scores.c.campaign_id.not_in(select(campaigns.c.campaign_id)))
        .distinct()
    ).scalars()
    listed = [
        {"campaign_id": c, "name": c, "kind": "topic", "in_campaigns_file": False}
        for c in campaign_ids
    ]
    if listed:
        conn.execute(insert(campaigns), listed)


MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "baseline: the tables of virage before versioned migrations", _baseline),
    (2, "people and campaigns dimensions, referenced by influence_scores", _dimensions),
)
LATEST_VERSION = MIGRATIONS[-1][0]


def create_schema(conn: Connection) -> None:
    """Create or upgrade the warehouse to this version's schema and (re)create the BI
    views; safe to call every run."""
    present = set(inspect(conn).get_table_names())
    ours = {t.name for t in metadata.sorted_tables}
    fresh = not (present & ours)
    applied = set()
    if schema_versions.name in present:
        applied = set(conn.execute(select(schema_versions.c.version)).scalars())
        unknown = sorted(v for v in applied if v > LATEST_VERSION)
        if unknown:
            raise OutdatedWarehouse(
                f"it was upgraded by a newer virage (schema step {unknown[-1]}; this virage "
                f"knows up to {LATEST_VERSION}): upgrade virage before writing to it"
            )
    metadata.create_all(conn)
    _add_missing_columns(conn)
    now = dt.datetime.now(dt.UTC)
    for version, description, step in MIGRATIONS:
        if version in applied:
            continue
        if not fresh:
            step(conn)
        conn.execute(
            insert(schema_versions).values(version=version, description=description, applied_at=now)
        )
    create_views(conn)


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
        indexed = {index["name"] for index in present.get_indexes(table.name)}
        for index in table.indexes:  # create_all skips the indexes of existing tables
            if index.name not in indexed:
                index.create(conn)
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
    drop_views(conn)
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
