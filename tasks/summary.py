"""What a run did, for pipeline_runs, the Prefect artifact and the terminal."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, func, select

from virage.schemas import warehouse
from virage.schemas.fields import COMPONENTS
from virage.tasks.people import SKIP_REASONS
from virage.tasks.validate import QUARANTINE_COLUMNS


def quarantine_records(rejected_files: pd.DataFrame, *rejected_rows: pd.DataFrame) -> pd.DataFrame:
    """One frame of quarantine records: whole files (no row number) and rows."""
    files = rejected_files.assign(row_number=pd.NA, excerpt=pd.NA)
    parts = [p[QUARANTINE_COLUMNS] for p in (files, *rejected_rows) if not p.empty]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in QUARANTINE_COLUMNS})
    return pd.concat(parts, ignore_index=True)


def build_summary(
    *,
    files: pd.DataFrame,
    fetched: list[dict],
    files_loaded: int,
    files_ignored: int,
    already_ingested: int,
    reingest_reason: str | None,
    scored_accounts_digest: str,
    quarantined: pd.DataFrame,
    rows_read: int,
    rows_held_back: int,
    skipped: dict[str, int],
    snapshots_skipped: int,
    superseded: int,
    people_scored: int,
    campaigns: list[str],
    expectations: list[dict],
    data_docs: str | None = None,
    files_skipped_no_consent: int = 0,
) -> dict:
    """The run's counts as plain JSON-ready values."""
    whole_files = quarantined["row_number"].isna()
    return {
        "sources": [
            {k: f[k] for k in ("name", "status", "attempts", "bytes", "detail")} for f in fetched
        ],
        "sources_failed": sum(f["status"] == "failed" for f in fetched),
        "files_seen": len(files),
        "files_loaded": files_loaded,
        "files_quarantined": int(whole_files.sum()),
        "files_ignored": files_ignored,
        "files_already_ingested": already_ingested,
        "files_skipped_no_consent": files_skipped_no_consent,
        "reingest_reason": reingest_reason,
        "scored_accounts_digest": scored_accounts_digest,
        "rows_read": rows_read,
        "rows_quarantined": int((~whole_files).sum()),
        "rows_held_back": rows_held_back,
        "quarantined_by_rule": {
            str(k): int(v) for k, v in quarantined["rule"].value_counts().sort_index().items()
        },
        "rows_superseded": superseded,
        "rows_skipped": sum(skipped.values()),
        "skipped_by_reason": dict(sorted(skipped.items())),
        "snapshots_skipped": snapshots_skipped,
        "people_scored": people_scored,
        "campaigns": campaigns,
        "expectations_failed": [e for e in expectations if not e["success"]],
        "expectations_run": len(expectations),
        "data_docs": data_docs,
    }


def summary_lines(summary: dict) -> list[str]:
    """The summary as short sentences, for the terminal and the markdown artifact."""
    lines = []
    if summary["sources"]:
        by_status = pd.Series([s["status"] for s in summary["sources"]]).value_counts()
        lines.append(
            f"sources: {len(summary['sources'])} fetched over HTTP: "
            + ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in by_status.items())
        )
        lines += [
            f"  failed ({s['name']}): {s['detail']}"
            for s in summary["sources"]
            if s["status"] == "failed"
        ]
    lines += [
        f"files: {summary['files_seen']} seen, {summary['files_already_ingested']} already "
        f"ingested, {summary['files_loaded']} loaded, {summary['files_quarantined']} "
        f"quarantined whole (files or archive entries), {summary['files_ignored']} ignored, "
        f"{summary.get('files_skipped_no_consent', 0)} skipped unread (their person has "
        "not consented)"
        + (
            f" (all read again: {summary['reingest_reason']})" if summary["reingest_reason"] else ""
        ),
        f"rows: {summary['rows_read']} read, {summary['rows_quarantined']} quarantined, "
        f"{summary['rows_held_back']} held back with their file, "
        f"{summary['rows_superseded']} superseded by a newer copy, "
        f"{summary['rows_skipped']} posts and {summary['snapshots_skipped']} follower "
        "counts not stored (their accounts belong to nobody scored)",
    ]
    lines += [f"  quarantined ({rule}): {n}" for rule, n in summary["quarantined_by_rule"].items()]
    lines += [
        f"  skipped ({SKIP_REASONS.get(reason, reason)}): {n}"
        for reason, n in summary["skipped_by_reason"].items()
    ]
    lines.append(
        f"expectations: {summary['expectations_run']} run, "
        f"{len(summary['expectations_failed'])} with unexpected values"
    )
    lines += [
        f"  {e['suite']}: {e['expectation']}({e['column']}): "
        f"{e['unexpected_count']} of {e['element_count']}"
        for e in summary["expectations_failed"]
    ]
    if summary.get("data_docs"):
        lines.append(f"Data Docs: {summary['data_docs']}")
    lines.append(
        f"scored: {summary['people_scored']} people x {len(summary['campaigns'])} "
        f"campaign(s) ({', '.join(summary['campaigns'])})"
    )
    if "posts_written" in summary:
        lines.append(
            f"published: {summary['posts_written']} posts, {summary['snapshots_written']} "
            f"follower counts, {summary['scores_published']} scores; purged "
            f"{summary['posts_purged']} posts, {summary['snapshots_purged']} follower counts "
            f"and {summary['scores_purged']} scores of people who left the roster or "
            "withdrew consent"
        )
    return lines


def summary_markdown(summary: dict) -> str:
    head = f"# virage nightly run {summary.get('run_id', '')}\n\nas of {summary.get('as_of')}\n\n"
    body = "\n".join(f"- {line.strip()}" for line in summary_lines(summary)) + "\n"
    docs = summary.get("data_docs")
    if docs:  # a link a person can click in the Prefect UI
        body += f"\n[Great Expectations Data Docs]({Path(docs).as_uri()})\n"
    return head + body


# --- the run's artifacts: top movers and the top of each leaderboard ----------------

MOVER_COLUMNS = ["campaign_id", "role", "person_id", "display_name", "score", "rank"]


def previous_scores(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """The scores of the latest day published before `as_of` (empty when none)."""
    table = warehouse.influence_scores
    before = (
        select(func.max(table.c.as_of_date)).where(table.c.as_of_date < as_of).scalar_subquery()
    )
    query = select(*(table.c[name] for name in MOVER_COLUMNS), table.c.as_of_date).where(
        table.c.as_of_date == before
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=[*MOVER_COLUMNS, "as_of_date"])


def top_movers(today: pd.DataFrame, previous: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The `n` largest score changes (up or down) per campaign and role between two
    days' scores, biggest first; people scored on one day only are left out."""
    key = ["campaign_id", "role", "person_id"]
    both = today[MOVER_COLUMNS].merge(
        previous[[*key, "score", "rank"]], on=key, suffixes=("", "_before")
    )
    both["change"] = both["score"] - both["score_before"]
    both = both[both["change"].abs() > 0.05]  # a rounding wobble is not a move
    both = both.assign(size=both["change"].abs()).sort_values(
        ["campaign_id", "role", "size"], ascending=[True, True, False], kind="stable"
    )
    return both.groupby(["campaign_id", "role"], sort=True).head(n).drop(columns="size")


def movers_markdown(movers: pd.DataFrame, previous_day: object | None) -> str:
    """The top movers as a markdown section."""
    if previous_day is None:
        return "\n## Top movers\n\nNo earlier day in the warehouse to compare with.\n"
    head = f"\n## Top movers since {previous_day}\n\n"
    if movers.empty:
        return head + "No score moved by more than 0.05.\n"
    rows = [
        f"| {m.campaign_id} | {m.role} | {m.display_name} | {m.score_before:.1f} → "
        f"{m.score:.1f} | {m.change:+.1f} | {int(m.rank_before)} → {int(m.rank)} |"
        for m in movers.itertuples(index=False)
    ]
    return (
        head
        + "| campaign | role | person | score | change | rank |\n|---|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n"
    )


def top_table(scores: pd.DataFrame, n: int = 10) -> list[dict]:
    """The best `n` of each campaign and role, as rows for a Prefect table artifact."""
    shown = ["campaign_id", "role", "rank", "display_name", "score", *COMPONENTS, "tier"]
    best = scores[scores["rank"] <= n].sort_values(["campaign_id", "role", "rank"], kind="stable")
    rounded = best[shown].round({c: 1 for c in ("score", *COMPONENTS)})
    return json.loads(rounded.to_json(orient="records"))
