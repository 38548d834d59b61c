"""Re-scoring a day from the warehouse: no export is read, nothing is ingested.

The roster and campaigns come from the landing folder (who is scored, under which
handles, and what each campaign is about); the posts and follower counts are those
earlier nights stored. The chosen campaigns' rows of that day are replaced, with a
weights override applied to them when one is given.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import yaml
from prefect import flow
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from pydantic import ValidationError

from virage.errors import ConfigError
from virage.tasks import steps
from virage.tasks.alerts import alert_on_failure
from virage.tasks.landing import FACTOR_WEIGHTS, MIX_WEIGHTS, Campaign, docs_folder, landing_dir
from virage.warehouse import connect_existing, redact, resolve_url


def read_weights(path: str | Path) -> dict[str, float]:
    """A weights file: a YAML (or JSON) mapping of component names to numbers, e.g.
    `{relevance: 1.0, reach: 0.1}`. Raises ConfigError when it is unreadable or not
    such a mapping; names are checked by `choose_campaigns`."""
    path = Path(path).expanduser()
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"weights file {path} cannot be read: {exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = " ".join(str(exc).split())
        raise ConfigError(f"weights file {path} is not valid YAML or JSON: {first}") from None
    if not isinstance(document, dict) or not document:
        raise ConfigError(
            f"weights file {path} must map component names to weights, e.g. "
            "{relevance: 1.0, reach: 0.1}"
        )
    weights = {}
    for name, value in document.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"weights file {path}: {name}: {value!r} is not a number")
        weights[str(name)] = float(value)
    return weights


def choose_campaigns(
    campaigns: list[Campaign], campaign: str | None, weights: dict[str, float] | None
) -> list[Campaign]:
    """The campaign named (all when None), each with `weights` laid over its own
    (a name given wins; the others keep the campaign's or the role's default).
    Raises ConfigError on an unknown campaign id or an invalid weight."""
    chosen = campaigns
    if campaign is not None:
        chosen = [c for c in campaigns if c.id == campaign]
        if not chosen:
            raise ConfigError(
                f"campaign {campaign!r} is not in campaigns.yaml; known: "
                + ", ".join(c.id for c in campaigns)
            )
    if not weights:
        return list(chosen)
    unknown = sorted(set(weights) - set(MIX_WEIGHTS) - set(FACTOR_WEIGHTS))
    if unknown:
        raise ConfigError(
            f"weights: unknown component(s) {', '.join(unknown)}; known: "
            + ", ".join(MIX_WEIGHTS + FACTOR_WEIGHTS)
        )
    overridden = []
    for c in chosen:
        try:
            overridden.append(
                Campaign.model_validate({**c.model_dump(), "weights": {**c.weights, **weights}})
            )
        except ValidationError as exc:
            problems = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
            raise ConfigError(f"weights for campaign {c.id}: {problems}") from None
    return overridden


def rescore_markdown(summary: dict) -> str:
    """The Prefect artifact: what was re-scored and written."""
    weights = summary["weights"]
    lines = [
        f"campaigns: {', '.join(summary['campaigns'])}",
        "weights override: "
        + (", ".join(f"{k} = {v}" for k, v in weights.items()) if weights else "none"),
        f"read from the warehouse: {summary['stored_posts']} posts in the window, "
        f"{summary['stored_follower_counts']} follower counts (no file read)",
        f"scored: {summary['people_scored']} people",
        f"expectations: {summary['expectations_run']} run, "
        f"{len(summary['expectations_failed'])} with unexpected values",
        f"published: {summary['scores_published']} scores, replacing {summary['scores_replaced']}",
    ]
    head = f"# virage rescore {summary['run_id']}\n\nas of {summary['as_of']}\n\n"
    body = "\n".join(f"- {line}" for line in lines) + "\n"
    if summary.get("data_docs"):
        body += f"\n[Great Expectations Data Docs]({Path(summary['data_docs']).as_uri()})\n"
    return head + body


@flow(
    name="rescore",
    log_prints=False,
    on_failure=[alert_on_failure],
    on_crashed=[alert_on_failure],
)
def rescore_day(
    as_of: dt.date,
    landing: str | None = None,
    warehouse_url: str | None = None,
    campaign: str | None = None,
    weights: dict[str, float] | None = None,
    wait_for_lock_seconds: float = 0,
) -> dict:
    """Score `campaign` (default: every campaign) on `as_of` again from the posts and
    follower counts already in the warehouse, with `weights` laid over the campaign's
    own, and replace that day's rows of those campaigns. The landing folder gives the
    roster and campaigns; its exports are not read. The scores suite audits the
    scores before publishing (Data Docs go to the landing's docs folder, as the
    nightly run's do). Waits `wait_for_lock_seconds` for another run writing to the
    warehouse, then stops.

    Args:
        as_of: Day whose scores are recomputed (YYYY-MM-DD).
        landing: Landing folder whose roster.csv and campaigns.yaml are used; default
            $VIRAGE_LANDING, else ./landing.
        warehouse_url: SQLAlchemy URL of an existing warehouse; default
            $VIRAGE_WAREHOUSE_URL, else sqlite:///warehouse.db.
        campaign: Only this campaign id; empty means every campaign.
        weights: Component weights laid over the campaign's own, e.g.
            {"relevance": 1.0, "reach": 0.1}.
        wait_for_lock_seconds: Seconds to wait for another run writing to the same
            warehouse before giving up.
    """
    url = resolve_url(warehouse_url)
    run_id = str(flow_run.id or uuid.uuid4())
    found = steps.check_landing(landing_dir(landing))
    chosen = choose_campaigns(found.campaigns, campaign, weights)
    ids = [c.id for c in chosen]
    docs = docs_folder(found.root)
    connect_existing(url)  # a mistyped SQLite path must not become an empty warehouse
    lock = steps.open_run(url, run_id, as_of, wait_for_lock_seconds)
    try:
        stored = steps.read_stored(steps.start_reading_stored(url, as_of))
        scores = steps.score_stored(stored, found.roster, chosen, as_of)
        record = steps.audit_scores(scores, docs, run_id)
        summary = {
            "kind": "rescore",
            "run_id": run_id,
            "as_of": as_of.isoformat(),
            "landing": str(found.root),
            "warehouse": redact(url),
            "campaigns": ids,
            "weights": dict(weights or {}),
            "stored_posts": len(stored[0]),
            "stored_follower_counts": len(stored[1]),
            "people_scored": len(found.roster.people),
            "files_seen": 0,
            "expectations_run": len(record.expectations),
            "expectations_failed": [e for e in record.expectations if not e["success"]],
            "data_docs": record.docs_index,
        }
        written = steps.publish_scores(url, run_id, as_of, scores, ids, summary, record.results)
    except BaseException as exc:  # interrupted or cancelled runs are recorded too
        weights_text = json.dumps(weights or {}, sort_keys=True)
        steps.record_failure(
            url,
            run_id,
            f"rescore of {', '.join(ids)} with weights {weights_text}: {type(exc).__name__}: {exc}",
        )
        raise
    finally:
        lock.close()
    summary = {**summary, **written}
    create_markdown_artifact(
        rescore_markdown(summary),
        key="rescore-summary",
        description="What the re-scoring read, checked and published",
    )
    return summary
