"""BI views: stable, documented names over the warehouse tables.

Each view is a SQLAlchemy Core SELECT (compiled for SQLite and PostgreSQL), the grain
of its rows, and a doc for every column. A column taken from a table keeps the
table's name and, unless the view says otherwise, the table's documentation; the
columns a view computes are documented here. The same docs become the README's
contract (schemas/contract.py) and, on PostgreSQL, the database comments.

On PostgreSQL the roles granted read access with `virage warehouse grant-bi` are
recorded in `bi_grants` and granted the views again whenever they are recreated: a
dropped view loses its grants, and a view added by an upgrade must be readable too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    and_,
    case,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.functions import FunctionElement

from virage.schemas.fields import COMPONENTS
from virage.schemas.warehouse import accounts, campaigns, event_summary, influence_scores, people


@dataclass(frozen=True)
class View:
    """A BI view: its name, what one row is, its SELECT and the docs of the columns
    it computes (or whose meaning differs from the table's)."""

    name: str
    grain: str
    query: Select
    docs: Mapping[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> list[ColumnElement]:
        return list(self.query.selected_columns)

    def doc(self, column: str) -> str:
        """The column's documentation: the view's own, else the table column's."""
        if column in self.docs:
            return self.docs[column]
        found = self.query.selected_columns[column]
        for source in found.proxy_set:
            comment = getattr(source, "comment", None)
            if isinstance(source, Column) and isinstance(source.table, Table) and comment:
                return comment
        raise ValueError(f"view {self.name}: column {column} is not documented")


class days_before(FunctionElement):
    """The date `days` days before a DATE column, in each dialect's own arithmetic."""

    type = Date()
    inherit_cache = True


@compiles(days_before, "sqlite")
def _days_before_sqlite(element, compiler, **kw) -> str:
    # SQLite keeps dates as 'YYYY-MM-DD' text; date() shifts and returns the same form.
    day, days = element.clauses
    return f"date({compiler.process(day, **kw)}, '-{int(days.value)} days')"


@compiles(days_before, "postgresql")
def _days_before_postgresql(element, compiler, **kw) -> str:
    day, days = element.clauses
    return f"({compiler.process(day, **kw)} - {int(days.value)})"  # date - integer = date


_scores = influence_scores
_latest_day = (
    select(_scores.c.as_of_date).order_by(_scores.c.as_of_date.desc()).limit(1).scalar_subquery()
)


def _trend() -> View:
    now = _scores
    joins = now
    changes: list[ColumnElement] = []
    docs: dict[str, str] = {}
    for days in (7, 30):
        before = _scores.alias(f"before_{days}d")
        joins = joins.outerjoin(
            before,
            and_(
                before.c.campaign_id == now.c.campaign_id,
                before.c.person_id == now.c.person_id,
                before.c.as_of_date == days_before(now.c.as_of_date, literal(days)),
            ),
        )
        changes += [
            (now.c.score - before.c.score).label(f"score_change_{days}d"),
            (before.c.rank - now.c.rank).label(f"rank_change_{days}d"),
        ]
        docs |= {
            f"score_change_{days}d": f"score minus the score {days} days earlier; NULL when "
            f"that day has no snapshot for the person in this campaign",
            f"rank_change_{days}d": f"places climbed since {days} days earlier (the earlier "
            "rank minus this one: positive = moved up); NULL when that day has no snapshot",
        }
    query = select(
        now.c.as_of_date,
        now.c.campaign_id,
        now.c.person_id,
        now.c.display_name,
        now.c.role,
        now.c.score,
        now.c.rank,
        *changes,
    ).select_from(joins)
    return View(
        "influence_score_trend",
        "one row per (as_of_date, campaign_id, person_id): each snapshot with its change "
        "against the snapshots 7 and 30 days earlier",
        query,
        docs,
    )


def _leaderboard(role: str) -> View:
    components = [c for c in COMPONENTS if role == "ambassador" or c != "advocacy"]
    query = (
        select(
            _scores.c.as_of_date,
            _scores.c.campaign_id,
            campaigns.c.name.label("campaign_name"),
            _scores.c.rank,
            _scores.c.person_id,
            _scores.c.display_name,
            people.c.department,
            _scores.c.score,
            _scores.c.tier,
            *(_scores.c[c] for c in components),
            _scores.c.posts_considered,
            _scores.c.sponsored_share,
            _scores.c.explanation,
        )
        .select_from(
            _scores.outerjoin(people, people.c.person_id == _scores.c.person_id).outerjoin(
                campaigns, campaigns.c.campaign_id == _scores.c.campaign_id
            )
        )
        .where(_scores.c.as_of_date == _latest_day, _scores.c.role == role)
    )
    return View(
        f"{role}_leaderboard",
        f"one row per (campaign_id, person_id) for the {role}s, at the latest as_of_date "
        "(as current_influence_scores), with their department",
        query,
        {
            "campaign_name": "the campaign's name (NULL until the campaigns table has it)",
            "rank": f"1 = best {role} of the campaign that day",
            "department": "the person's team from the people table (NULL when the roster "
            "gives none)",
        },
    )


def _campaign_summary() -> View:
    # Each scored person's audience on each scored day: the latest follower count, on
    # or before that day, of every account the accounts table gives to them.
    scored_days = select(_scores.c.as_of_date, _scores.c.person_id).distinct().subquery("scored")
    latest = (
        select(
            scored_days.c.as_of_date,
            accounts.c.person_id,
            accounts.c.platform,
            accounts.c.handle,
            func.max(accounts.c.snapshot_date).label("snapshot_date"),
        )
        .join(
            scored_days,
            and_(
                accounts.c.person_id == scored_days.c.person_id,
                accounts.c.snapshot_date <= scored_days.c.as_of_date,
            ),
        )
        .group_by(
            scored_days.c.as_of_date, accounts.c.person_id, accounts.c.platform, accounts.c.handle
        )
        .subquery("latest")
    )
    counted = accounts.alias("counted")
    audience = (
        select(
            latest.c.as_of_date,
            latest.c.person_id,
            func.sum(counted.c.followers).label("followers"),
        )
        .join(
            counted,
            and_(
                counted.c.platform == latest.c.platform,
                counted.c.handle == latest.c.handle,
                counted.c.snapshot_date == latest.c.snapshot_date,
            ),
        )
        .group_by(latest.c.as_of_date, latest.c.person_id)
        .subquery("audience")
    )
    posts = func.sum(_scores.c.posts_considered)
    sponsored = func.sum(_scores.c.sponsored_share * _scores.c.posts_considered)
    query = (
        select(
            _scores.c.as_of_date,
            _scores.c.campaign_id,
            campaigns.c.name.label("campaign_name"),
            campaigns.c.kind,
            # Counts as BIGINT in both dialects (PostgreSQL would sum a BIGINT to NUMERIC).
            cast(func.count(), BigInteger).label("people_scored"),
            cast(func.sum(case((_scores.c.posts_considered > 0, 1), else_=0)), BigInteger).label(
                "people_with_posts"
            ),
            cast(posts, BigInteger).label("posts_considered"),
            (sponsored / func.nullif(posts, 0, type_=Float())).label("sponsored_share"),
            cast(func.coalesce(func.sum(audience.c.followers), 0), BigInteger).label(
                "follower_reach"
            ),
        )
        .select_from(
            _scores.outerjoin(
                audience,
                and_(
                    audience.c.as_of_date == _scores.c.as_of_date,
                    audience.c.person_id == _scores.c.person_id,
                ),
            ).outerjoin(campaigns, campaigns.c.campaign_id == _scores.c.campaign_id)
        )
        .group_by(_scores.c.as_of_date, _scores.c.campaign_id, campaigns.c.name, campaigns.c.kind)
    )
    return View(
        "campaign_summary",
        "one row per (as_of_date, campaign_id): the people scored that day and their posts "
        "and audience",
        query,
        {
            "as_of_date": "day the scores describe",
            "campaign_name": "the campaign's name (NULL until the campaigns table has it)",
            "kind": "topic or event (NULL until the campaigns table has the campaign)",
            "people_scored": "people with a score in the campaign that day (consenting "
            "roster people, both roles)",
            "people_with_posts": "of those, people with at least one post considered",
            "posts_considered": "sum of the people's posts_considered: every post of theirs "
            "published in the 90-day scoring window ending that day, on any platform and "
            "any topic (not only this campaign's), each (platform, post_id) once; so every "
            "campaign scored for the same people that day shows the same number",
            "sponsored_share": "sponsored posts among those posts, 0-1 (each person's "
            "sponsored_share weighted by their posts_considered); NULL without posts",
            "follower_reach": "followers the scored people can reach: over every account "
            "the accounts table gives to them, the sum of its latest follower count on or "
            "before that day (not the 0-100 reach component); 0 when none is known",
        },
    )


def _event_coverage_daily() -> View:
    # Each event's timeline as its latest run saw it: posts arrive late, so a day's
    # numbers can change from one run to the next.
    seen = event_summary.alias("seen")
    newest = (
        select(func.max(seen.c.as_of_date))
        .where(seen.c.campaign_id == event_summary.c.campaign_id)
        .scalar_subquery()
    )
    query = (
        select(
            event_summary.c.campaign_id,
            campaigns.c.name.label("campaign_name"),
            *(c for c in event_summary.columns if c.name not in ("campaign_id", "run_id")),
        )
        .select_from(
            event_summary.outerjoin(
                campaigns, campaigns.c.campaign_id == event_summary.c.campaign_id
            )
        )
        .where(event_summary.c.as_of_date == newest)
    )
    return View(
        "event_coverage_daily",
        "one row per (campaign_id, day): each event campaign's daily coverage, from the "
        "latest run that summarised it",
        query,
        {
            "campaign_name": "the campaign's name (NULL until the campaigns table has it)",
            "as_of_date": "day of the run these numbers come from (the campaign's latest)",
        },
    )


_current = View(
    "current_influence_scores",
    "one row per (campaign_id, person_id): every column of influence_scores, at the latest "
    "as_of_date only",
    select(*_scores.columns).where(_scores.c.as_of_date == _latest_day),
)

VIEWS: dict[str, View] = {
    view.name: view
    for view in (
        _current,
        _trend(),
        _leaderboard("ambassador"),
        _leaderboard("influencer"),
        _campaign_summary(),
        _event_coverage_daily(),
    )
}
"""Every BI view by name, in creation order."""

_view_metadata = MetaData()
view_tables: dict[str, Table] = {
    view.name: Table(
        view.name,
        _view_metadata,
        *(Column(c.name, c.type, comment=view.doc(c.name)) for c in view.columns),
        comment=view.grain,
    )
    for view in VIEWS.values()
}
"""Read-only Table objects over the views, for typed SELECTs (every column documented:
building them fails on a column without a doc)."""

_grants_metadata = MetaData()
bi_grants = Table(
    "bi_grants",
    _grants_metadata,
    Column("role", String(63), nullable=False, comment="database role that reads the BI views"),
    Column(
        "granted_at", DateTime(timezone=True), nullable=False, comment="when, UTC (latest grant)"
    ),
    PrimaryKeyConstraint("role"),
    comment="one row per database role given read access to the BI views by `virage "
    "warehouse grant-bi` (PostgreSQL only); recreated views are granted to them again",
)


def drop_views(conn: Connection) -> None:
    """Drop every BI view (a table they read is about to be rebuilt)."""
    quote = conn.dialect.identifier_preparer.quote
    for name in reversed(list(VIEWS)):
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {quote(name)}")


def create_views(conn: Connection) -> None:
    """(Re)create every BI view from its SELECT; on PostgreSQL also their comments and
    the grants of the roles in bi_grants."""
    quote = conn.dialect.identifier_preparer.quote
    for view in VIEWS.values():
        sql = str(view.query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        name = quote(view.name)
        if conn.dialect.name != "postgresql":
            conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name}")
            conn.exec_driver_sql(f"CREATE VIEW {name} AS {sql}")
            continue
        try:  # keeps grants and the views others built on ours...
            with conn.begin_nested():
                conn.exec_driver_sql(f"CREATE OR REPLACE VIEW {name} AS {sql}")
        except DBAPIError:  # ...unless a column changed name, type or place
            conn.exec_driver_sql(f"DROP VIEW {name}")
            conn.exec_driver_sql(f"CREATE VIEW {name} AS {sql}")
        _comment(conn, view)
    if conn.dialect.name == "postgresql":
        bi_grants.create(conn, checkfirst=True)
        for role in granted_roles(conn):
            grant_views(conn, role)


def _comment(conn: Connection, view: View) -> None:
    # COMMENT takes no bind parameters: the docs (ours, not user input) are rendered
    # as escaped string literals.
    quote = conn.dialect.identifier_preparer.quote
    text = String().literal_processor(conn.dialect)
    conn.exec_driver_sql(f"COMMENT ON VIEW {quote(view.name)} IS {text(view.grain)}")
    for column in view.columns:
        conn.exec_driver_sql(
            f"COMMENT ON COLUMN {quote(view.name)}.{quote(column.name)} "
            f"IS {text(view.doc(column.name))}"
        )


_pg_roles = Table("pg_roles", MetaData(), Column("rolname", String()), schema="pg_catalog")


def granted_roles(conn: Connection) -> list[str]:
    """Roles recorded in bi_grants that still exist (a role dropped since is skipped)."""
    existing = select(_pg_roles.c.rolname)
    query = select(bi_grants.c.role).where(bi_grants.c.role.in_(existing))
    return list(conn.execute(query.order_by(bi_grants.c.role)).scalars())


def grant_views(conn: Connection, role: str) -> None:
    """USAGE on the current schema and SELECT on every BI view, to `role` (PostgreSQL)."""
    quote = conn.dialect.identifier_preparer.quote
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA {quote(schema)} TO {quote(role)}")
    names = ", ".join(quote(name) for name in VIEWS)
    conn.exec_driver_sql(f"GRANT SELECT ON {names} TO {quote(role)}")
