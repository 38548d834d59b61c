"""Warehouse tables, built from the canonical frames (views: schemas/views.py;
creating and upgrading a warehouse: schemas/migrate.py)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)

from virage.schemas.fields import (
    ACCOUNTS,
    CAMPAIGN_TABLE,
    ERASURE_LOG,
    EVENT_SUMMARY,
    INGESTED_FILES,
    PEOPLE,
    PIPELINE_RUNS,
    POSTS,
    QUARANTINE,
    SCORES,
    VALIDATION_RESULTS,
    Frame,
)

metadata = MetaData()


def _table(frame: Frame, *extra, name: str | None = None, keyed: bool = True, **kw) -> Table:
    columns = [Column(f.name, f.sql, nullable=f.nullable, comment=f.doc) for f in frame.fields]
    constraints = [PrimaryKeyConstraint(*frame.key)] if frame.key and keyed else []
    kw.setdefault("comment", frame.grain)
    return Table(name or frame.name, metadata, *columns, *constraints, *extra, **kw)


people = _table(PEOPLE)
campaigns = _table(CAMPAIGN_TABLE)
# Every score names a known person and campaign (enforced where the dialect does:
# PostgreSQL; SQLite declares them on new files but does not check them).
influence_scores = _table(
    SCORES,
    Index("ix_influence_scores_campaign_role", "as_of_date", "campaign_id", "role", "rank"),
    Index("ix_influence_scores_person", "person_id", "as_of_date"),
    ForeignKeyConstraint(["person_id"], ["people.person_id"], name="fk_influence_scores_person"),
    ForeignKeyConstraint(
        ["campaign_id"], ["campaigns.campaign_id"], name="fk_influence_scores_campaign"
    ),
)
staged_influence_scores = _table(
    SCORES,
    Index(f"ix_staged_{SCORES.name}_run", "run_id"),
    name=f"staged_{SCORES.name}",
    keyed=False,
    comment="write-audit-publish: a run's scores before the audit; rows of a run whose "
    "audit failed stay here for inspection until the next run",
)
"""No key on purpose: the audit must be able to see (and refuse) key collisions."""
posts = _table(POSTS, Index("ix_posts_person_posted", "person_id", "posted_at"))
accounts = _table(ACCOUNTS, Index("ix_accounts_person", "person_id"))
ingested_files = _table(INGESTED_FILES)
quarantine = _table(QUARANTINE, Index("ix_quarantine_run", "run_id"))
pipeline_runs = _table(PIPELINE_RUNS)
validation_results = _table(VALIDATION_RESULTS, Index("ix_validation_results_run", "run_id"))
event_summary = _table(EVENT_SUMMARY)
erasure_log = _table(ERASURE_LOG)

schema_versions = Table(
    "virage_schema_versions",
    metadata,
    Column("version", Integer(), primary_key=True, comment="migration step applied"),
    Column("description", Text(), nullable=False, comment="what the step changed"),
    Column("applied_at", DateTime(timezone=True), nullable=False, comment="when, UTC"),
    comment="one row per migration step applied to this warehouse (schemas/migrate.py)",
)
