"""The documented contracts are the ones the code builds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    inspect,
)

from virage.schemas.contract import END, START, render_contract
from virage.schemas.fields import (
    ACCOUNTS,
    INGESTED_FILES,
    PIPELINE_RUNS,
    POSTS,
    QUARANTINE,
    SCORES,
    VALIDATION_RESULTS,
)
from virage.schemas.warehouse import ingested_files, posts
from virage.warehouse import make_engine, open_warehouse

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_contract_is_current():
    readme = README.read_text(encoding="utf-8")
    documented = readme.split(START, 1)[1].split(END, 1)[0].strip()
    assert documented == render_contract().strip(), "run `make docs`"


# The names BI users rely on, as issues 2 and 3 state them: an independent check, since the
# tables themselves are built from schemas/fields.py.
PROMISED = {
    "influence_scores": "as_of_date campaign_id person_id display_name role score rank tier reach "
    "resonance relevance credibility activity audience_quality advocacy posts_considered "
    "sponsored_share run_id",
    "posts": "platform post_id person_id handle posted_at text url impressions likes comments "
    "shares clicks is_sponsored source_file",
    "ingested_files": "sha256 source_path size format first_seen_run_id status",
    "quarantine": "run_id source_file row_number rule detail quarantined_at",
    "pipeline_runs": "run_id as_of_date started_at finished_at status files_seen files_loaded "
    "files_quarantined rows_loaded rows_quarantined",
}


def test_the_promised_columns_exist_with_dates_as_dates(warehouse):
    inspector = inspect(open_warehouse(warehouse))
    for table, names in PROMISED.items():
        columns = {c["name"]: c["type"] for c in inspector.get_columns(table)}
        assert set(names.split()) <= set(columns), table
    scores = {c["name"]: c["type"] for c in inspector.get_columns("influence_scores")}
    assert isinstance(scores["as_of_date"], Date)
    posts = {c["name"]: c["type"] for c in inspector.get_columns("posts")}
    assert isinstance(posts["posted_at"], DateTime)


def test_warehouse_has_the_contract_tables_and_view(warehouse):
    engine = open_warehouse(warehouse)
    inspector = inspect(engine)
    for frame in (
        SCORES,
        POSTS,
        ACCOUNTS,
        INGESTED_FILES,
        QUARANTINE,
        PIPELINE_RUNS,
        VALIDATION_RESULTS,
    ):
        assert [c["name"] for c in inspector.get_columns(frame.name)] == frame.columns
    view = [c["name"] for c in inspector.get_columns("current_influence_scores")]
    assert view == SCORES.columns
    assert "current_influence_scores" in inspector.get_view_names()
    open_warehouse(warehouse)  # a second run on an existing warehouse changes nothing
    assert [c["name"] for c in inspect(engine).get_columns("posts")] == POSTS.columns


def test_a_warehouse_from_an_older_virage_is_upgraded_keeping_its_rows(warehouse):
    # posts as issue 2 created it: counts NOT NULL, no provenance columns; and the
    # ledger keyed by content alone.
    older = MetaData()
    old_posts = Table(
        "posts",
        older,
        *(
            Column(c.name, c.type, nullable=c.nullable and c.name != "likes")
            for c in posts.columns
            if c.name not in ("source_sha256", "observed_at")
        ),
        PrimaryKeyConstraint(*POSTS.key),
        Index("ix_posts_person_posted", "person_id", "posted_at"),
    )
    Table(
        "ingested_files",
        older,
        *(Column(c.name, c.type, nullable=c.nullable) for c in ingested_files.columns),
        PrimaryKeyConstraint("sha256"),
    )
    engine = make_engine(warehouse)
    row = {c.name: None for c in old_posts.columns} | {
        "platform": "x",
        "handle": "ana",
        "post_id": "1",
        "posted_at": dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        "likes": 4,
        "comments": 0,
        "shares": 0,
        "is_sponsored": False,
    }
    with engine.begin() as conn:
        older.create_all(conn)
        conn.execute(old_posts.insert().values(**row))
    open_warehouse(warehouse)
    open_warehouse(warehouse)  # a second open finds nothing left to do
    inspector = inspect(engine)
    columns = {c["name"]: c for c in inspector.get_columns("posts")}
    assert columns["likes"]["nullable"]
    assert {"source_sha256", "observed_at"} <= set(columns)
    assert inspector.get_pk_constraint("ingested_files")["constrained_columns"] == [
        "sha256",
        "source_path",
    ]
    with engine.connect() as conn:
        kept = conn.exec_driver_sql("SELECT post_id, likes FROM posts").all()
    assert [tuple(r) for r in kept] == [("1", 4)]
    assert "current_influence_scores" in inspector.get_view_names()
