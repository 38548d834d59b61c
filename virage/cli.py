"""The `virage` command: run the nightly flow once, print the leaderboard."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from virage.errors import ConfigError, WarehouseBusy
from virage.memory import reuse_freed_memory
from virage.schemas.fields import COMPONENTS

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Score brand ambassadors and influencers per campaign.",
)

# Quiet, offline-friendly defaults for Prefect and Great Expectations; set before
# either is imported. An operator's own settings win.
_QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    # Our modules' log lines (virage.*) join the flow run's log.
    "PREFECT_LOGGING_EXTRA_LOGGERS": "virage",
    # The first run on a machine migrates Prefect's database before its temporary
    # server answers; the default 20 s is not always enough on a small machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


class Role(StrEnum):
    ambassador = "ambassador"
    influencer = "influencer"


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


LandingOpt = Annotated[
    str | None,
    typer.Option("--landing", help="Landing folder [default: $VIRAGE_LANDING or ./landing]"),
]
WarehouseOpt = Annotated[
    str | None,
    typer.Option(
        "--warehouse",
        help="SQLAlchemy URL [default: $VIRAGE_WAREHOUSE_URL or sqlite:///warehouse.db]",
    ),
]


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"virage: error: {message}", err=True)
    return typer.Exit(code)


WaitOpt = Annotated[
    float,
    typer.Option(
        "--wait",
        min=0,
        help="Seconds to wait for another run writing to the warehouse before giving up",
    ),
]


@contextmanager
def _flow_exits(what: str) -> Iterator[None]:
    """A flow's end as the CLI's exit codes: 2 for configuration, 3 for a busy
    warehouse, 1 for a run that failed once started (its log has the details)."""
    try:
        yield
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except WarehouseBusy as exc:
        raise _fail(str(exc), 3) from None
    except Exception as exc:
        first_line = (str(exc).strip().splitlines() or [""])[0]
        raise _fail(f"the {what} failed: {type(exc).__name__}: {first_line}", 1) from None


def _writing_when_free(warehouse: str | None, wait: float) -> ExitStack:
    """The warehouse's writer lock, taken before Prefect starts (the tables created
    or upgraded under it) and held until the returned stack is closed, so that no
    other run slips in before the flow, which works under it: stop when another run
    holds it, or tell the person this run waits for it."""
    from virage.warehouse import held_warehouse

    held = ExitStack()
    try:
        held.enter_context(held_warehouse(warehouse))
        return held
    except WarehouseBusy:
        if not wait:
            raise
    typer.echo(
        f"virage: another run is writing to the warehouse; waiting up to {wait:g} s", err=True
    )
    held.enter_context(held_warehouse(warehouse, wait))
    return held


@app.command()
def run(
    landing: LandingOpt = None,
    warehouse: WarehouseOpt = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Day to score [default: yesterday]"),
    ] = None,
    raw: Annotated[
        Path | None,
        typer.Option(
            "--raw",
            envvar="VIRAGE_RAW_DIR",
            help="Raw zone: every file read is archived here by SHA-256 [default: <landing>/raw]",
        ),
    ] = None,
    reingest: Annotated[
        bool, typer.Option(help="Read every file again, even those already ingested")
    ] = False,
    docs: Annotated[
        Path | None,
        typer.Option(
            "--docs",
            envvar="VIRAGE_DOCS_DIR",
            help="Folder of the Great Expectations Data Docs [default: <landing>/data-docs]",
        ),
    ] = None,
    max_bad_rows: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Share of bad rows above which a whole file is quarantined"
        ),
    ] = 0.5,
    wait: WaitOpt = 0,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            envvar="VIRAGE_REPORT_DIR",
            help="Folder of the HTML report built after publishing [default: <landing>/report]",
        ),
    ] = None,
    task_runner: Annotated[
        str,
        typer.Option(
            "--task-runner",
            envvar="VIRAGE_TASK_RUNNER",
            help="Where files are parsed and validated: default (this process), dask (a "
            "local Dask cluster) or dask=ADDRESS (a running Dask scheduler, e.g. "
            "dask=tcp://10.0.0.5:8786); scoring and publishing stay here",
        ),
    ] = "default",
) -> None:
    """Run the nightly flow once, in this process."""
    for name, value in _QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
    from virage.early_server import start_before_checks, start_in_background

    # First, the longest wait: Prefect's temporary server boots while the rest loads.
    serving = start_before_checks()
    from virage.flows.parameters import yesterday
    from virage.runners import api_for_workers
    from virage.runners import task_runner as task_runner_for
    from virage.tasks.landing import (
        docs_folder,
        landing_dir,
        load_landing,
        raw_zone,
        report_folder,
    )
    from virage.tasks.publish import start_reading_window
    from virage.warehouse import make_engine, resolve_url

    try:  # fail fast, before Prefect starts, on anything that makes the run pointless
        found = load_landing(landing_dir(landing))
        raw_dir = raw_zone(found.root, str(raw) if raw else None)
        docs_folder(found.root, str(docs) if docs else None)
        report_folder(found.root, str(report) if report else None)
        runner = task_runner_for(task_runner, [str(found.root), raw_dir])
        try:
            as_of_day = as_of.date() if as_of else yesterday()  # as the flow would default it
        except ValueError as exc:  # $VIRAGE_TIMEZONE names no timezone
            raise ConfigError(str(exc)) from None
        held = _writing_when_free(warehouse, wait)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except WarehouseBusy as exc:
        raise _fail(str(exc), 3) from None

    # What takes seconds to import loads while the server boots and the warehouse's
    # scoring window is read (publish.start_reading_window).
    serving = serving or start_in_background()
    start_reading_window(make_engine(resolve_url(warehouse)), as_of_day, early=True)
    from virage.flows.nightly import nightly_scores
    from virage.tasks.gx_record import import_gx
    from virage.tasks.report import report_lines
    from virage.tasks.summary import summary_lines
    from virage.warehouse import redact

    import_gx()
    # Prefect imports this as the flow starts (to send its parameters): 0.2 s that
    # would follow the server's boot instead of running beside it.
    import fastapi.encoders  # noqa: F401

    flow = nightly_scores.with_options(task_runner=runner) if runner else nightly_scores
    with held, serving, _flow_exits("run"), api_for_workers(runner):
        summary = flow(
            landing=landing,
            warehouse_url=_out_of_parameters(warehouse),
            as_of=as_of_day,
            raw_dir=str(raw) if raw else None,
            reingest=reingest,
            max_bad_row_share=max_bad_rows,
            docs_dir=str(docs) if docs else None,
            report_dir=str(report) if report else None,
            wait_for_lock_seconds=wait,
        )
    typer.echo(
        f"virage run {summary['run_id']} as of {summary['as_of']} into "
        f"{summary['warehouse']}: completed"
    )
    for line in summary_lines(summary) + report_lines(summary):
        typer.echo(f"  {line}")
    shown = f" --warehouse {redact(warehouse)}" if warehouse else ""
    typer.echo(f"Leaderboard: virage scores{shown}")


@app.command()
def scores(
    warehouse: WarehouseOpt = None,
    campaign: Annotated[str | None, typer.Option(help="Only this campaign id")] = None,
    role: Annotated[Role | None, typer.Option(help="Only ambassadors or influencers")] = None,
    top: Annotated[int | None, typer.Option(min=1, help="Best N per campaign and role")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Output format")] = Format.table,
) -> None:
    """Print the current leaderboard (latest day) from the warehouse."""
    from virage.leaderboard import read_leaderboard, spreadsheet_safe
    from virage.warehouse import connect_existing

    try:
        board = read_leaderboard(
            connect_existing(warehouse), campaign, role.value if role else None, top
        )
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    if fmt is Format.csv:  # for spreadsheets: no cell may start a formula
        spreadsheet_safe(board).to_csv(sys.stdout, index=False)
    elif fmt is Format.json:
        typer.echo(
            json.dumps(
                json.loads(board.to_json(orient="records", date_format="iso")),
                ensure_ascii=False,
                indent=1,
            )
        )
    elif board.empty:
        typer.echo("No scores yet: run `virage run` first.")
    else:
        _print_table(board)


@app.command()
def explain(
    person: Annotated[str, typer.Argument(help="person_id from the roster")],
    campaign: Annotated[str | None, typer.Option(help="Only this campaign id")] = None,
    warehouse: WarehouseOpt = None,
    landing: LandingOpt = None,
    top: Annotated[int, typer.Option(min=1, help="Posts shown per list")] = 3,
) -> None:
    """Why a person stands where they do: components, plain-words explanation, and
    the posts that weighed most (latest published day)."""
    from virage.explain import component_table
    from virage.explain import explain as explain_person
    from virage.leaderboard import printable
    from virage.tasks.landing import CAMPAIGNS_FILE, landing_dir, read_campaigns
    from virage.warehouse import connect_existing

    try:
        engine = connect_existing(warehouse)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    unread = None
    try:  # campaigns.yaml says which posts are on topic; without it, scores alone
        campaigns = read_campaigns(Path(landing_dir(landing)) / CAMPAIGNS_FILE)
    except ConfigError as exc:
        campaigns, unread = [], str(exc)
    found = explain_person(engine, person, campaigns, campaign, top)
    if not found:
        raise _fail(
            f"no published score for {person!r}" + (f" in {campaign!r}" if campaign else "")
        )
    if unread:
        typer.echo(f"(on-topic posts not shown: {unread})", err=True)
    for item in found:
        s = item.score
        typer.echo(
            f"{printable(s['display_name'])} ({s['role']}), campaign {s['campaign_id']}, as of "
            f"{s['as_of_date']}: score {s['score']:.1f}, rank {s['rank']} of {item.out_of}"
        )
        typer.echo(f"  why: {s['explanation']}")
        typer.echo(
            "  components: " + ", ".join(f"{name} {value}" for name, value in component_table(s))
        )
        typer.echo(
            f"  inputs: tier {s['tier']}, {s['posts_considered']} posts in the window, "
            f"{float(s['sponsored_share']):.0%} sponsored"
        )
        for title, posts in (
            ("posts that weighed most on topic", item.topical_posts),
            ("most engaging posts", item.engaging_posts),
        ):
            if posts.empty:
                continue
            typer.echo(f"  {title}:")
            for p in posts.itertuples(index=False):
                engagement = "n/a" if p.engagement != p.engagement else f"{p.engagement:.0f}"
                flags = (f" on-topic {p.on_topic:.2f}" if p.on_topic else "") + (
                    " brand" if p.brand else ""
                )
                text = printable(" ".join(str(p.text).split())[:90])
                typer.echo(
                    f"    {p.posted_at:%Y-%m-%d} {p.platform:<9} engagement {engagement}"
                    f"{flags}: {text}"
                )
        typer.echo("")


@app.command()
def validate(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Export files, folders of exports, or landing folders"),
    ],
    as_of: Annotated[
        dt.datetime | None,
        typer.Option(
            "--as-of", formats=["%Y-%m-%d"], help="Day a run would score [default: yesterday]"
        ),
    ] = None,
    max_bad_rows: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Share of bad rows that holds a whole file back"),
    ] = 0.5,
) -> None:
    """Check files against the contracts without loading anything: print what a run
    would quarantine and why; exit 1 if anything would be."""
    import pandas as pd

    from virage.dry_run import validate_paths

    day = as_of.date() if as_of else dt.date.today() - dt.timedelta(days=1)
    try:
        checked, found = validate_paths(paths, day, max_bad_rows)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    for record in found.itertuples(index=False):
        row = "" if pd.isna(record.row_number) else f":{record.row_number}"
        where = f"{record.source_file}{row}"
        typer.echo(f"{where}: {record.rule}: {record.detail}")
    whole = int(found["row_number"].isna().sum())
    typer.echo(
        f"{checked} file(s) checked: {whole} would be quarantined whole, "
        f"{len(found) - whole} row(s) would be quarantined"
    )
    raise typer.Exit(1 if len(found) else 0)


@app.command()
def docs(
    warehouse: WarehouseOpt = None,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the Data Docs in a web browser")
    ] = False,
) -> None:
    """Print the path of the latest Great Expectations Data Docs."""
    from virage.tasks.publish import completed_summaries
    from virage.warehouse import connect_existing

    try:
        summaries = completed_summaries(connect_existing(warehouse), limit=100)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    # The latest run whose pages exist: a run may have been unable to build its own.
    built = (s.get("data_docs") for s in summaries)
    index = next((found for found in built if found and Path(found).exists()), None)
    if index is None:
        raise _fail("no Data Docs found: run `virage run` first")
    typer.echo(index)
    if open_browser:
        import webbrowser

        webbrowser.open(Path(index).as_uri())


@app.command()
def report(
    campaign: Annotated[
        str | None, typer.Option(help="Only this campaign id [default: every campaign]")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            envvar="VIRAGE_REPORT_DIR",
            help="Folder the pages go to (replaced whole) [default: ./report]",
        ),
    ] = None,
    warehouse: WarehouseOpt = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Day shown [default: latest]"),
    ] = None,
) -> None:
    """Write the HTML report: an index page and a page per campaign with leaderboards,
    score trends and components, and the latest run's quarantine."""
    from virage.tasks.report import write_report
    from virage.warehouse import connect_existing

    try:
        written = write_report(
            connect_existing(warehouse),
            out or Path("report"),
            campaign=campaign,
            as_of=as_of.date() if as_of else None,
        )
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    typer.echo(written[0])
    typer.echo(f"  {len(written) - 1} more page(s) beside it; open the index in a web browser")


@app.command()
def rescore(
    as_of: Annotated[
        dt.datetime,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Day whose scores are recomputed"),
    ],
    campaign: Annotated[
        str | None, typer.Option(help="Only this campaign id [default: every campaign]")
    ] = None,
    weights: Annotated[
        Path | None,
        typer.Option(
            "--weights",
            help="YAML or JSON file mapping components to weights, e.g. {relevance: 1.0}",
        ),
    ] = None,
    landing: LandingOpt = None,
    warehouse: WarehouseOpt = None,
    wait: WaitOpt = 0,
) -> None:
    """Recompute a day's scores from the posts already in the warehouse (no file is
    read) and replace that day's rows of the campaign(s)."""
    for name, value in _QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
    from virage.flows.rescore import choose_campaigns, read_weights, rescore_day
    from virage.tasks.landing import docs_folder, landing_dir, load_landing
    from virage.warehouse import connect_existing

    try:  # fail fast, before the flow starts, on anything that makes it pointless
        found = load_landing(landing_dir(landing))
        docs_folder(found.root)
        override = read_weights(weights) if weights else None
        chosen = choose_campaigns(found.campaigns, campaign, override)
        connect_existing(warehouse)  # there must be stored posts to score
        held = _writing_when_free(warehouse, wait)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except WarehouseBusy as exc:
        raise _fail(str(exc), 3) from None

    with held, _flow_exits("rescore"):
        summary = rescore_day(
            as_of=as_of.date(),
            landing=landing,
            warehouse_url=_out_of_parameters(warehouse),
            campaign=campaign,
            weights=override,
            wait_for_lock_seconds=wait,
        )
    typer.echo(
        f"virage rescore {summary['run_id']} as of {summary['as_of']} into "
        f"{summary['warehouse']}: completed"
    )
    given = ", ".join(f"{k}={v:g}" for k, v in (override or {}).items())
    shown = f" (weights: {given})" if given else ""
    typer.echo(f"  campaigns: {', '.join(c.id for c in chosen)}{shown}")
    typer.echo(
        f"  read: {summary['stored_posts']} stored posts, {summary['stored_follower_counts']} "
        "follower counts; no file read"
    )
    typer.echo(
        f"  written: {summary['scores_published']} scores ({summary['people_scored']} people), "
        f"replacing {summary['scores_replaced']}"
    )


@app.command()
def forget(
    person: Annotated[str, typer.Argument(help="person_id to erase")],
    warehouse: WarehouseOpt = None,
    landing: LandingOpt = None,
    raw: Annotated[
        Path | None,
        typer.Option("--raw", envvar="VIRAGE_RAW_DIR", help="Raw zone [default: <landing>/raw]"),
    ] = None,
    wait: WaitOpt = 0,
) -> None:
    """Erase a person (GDPR): their posts, follower counts, scores, quarantine records
    and files in the raw zone, in one transaction, recorded in erasure_log. Set their
    consent to false in roster.csv first (docs/reliability.md)."""
    from virage.forget import forget as erase
    from virage.tasks.landing import ROSTER_FILE, landing_dir, raw_zone, read_roster, report_folder

    root = Path(landing_dir(landing)).expanduser()
    try:
        roster = read_roster(root / ROSTER_FILE) if (root / ROSTER_FILE).is_file() else None
        raw_dir = Path(raw_zone(root, str(raw) if raw else None))
        done = erase(
            person,
            warehouse,
            roster=roster,
            raw_dir=raw_dir if raw_dir.is_dir() else None,
            landing=root if root.is_dir() else None,
            report_dir=Path(report_folder(root)),
            wait_seconds=wait,
        )
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    except WarehouseBusy as exc:
        raise _fail(str(exc), 3) from None
    n = done.counts
    typer.echo(
        f"virage forget {person}: deleted {n['posts_deleted']} posts, "
        f"{n['snapshots_deleted']} follower counts, {n['scores_deleted']} scores, "
        f"{n['quarantine_deleted']} quarantine records, {n['validation_results_deleted']} "
        f"validation results, {n['files_deleted']} ledger rows, {n['raw_files_deleted']} raw "
        f"files and {n['people_deleted']} people row; recorded in erasure_log"
    )
    if done.report:
        typer.echo(f"virage forget: report {done.report}", err=True)
    if roster is None:
        typer.echo(
            f"virage forget: no {ROSTER_FILE} in {root}: searched only the accounts "
            "the warehouse gives them",
            err=True,
        )
    if not raw_dir.is_dir():
        typer.echo(f"virage forget: no raw zone at {raw_dir}: no raw file deleted", err=True)
    if done.landing_files:
        typer.echo(
            f"virage forget: {len(done.landing_files)} file(s) of theirs are still in the "
            f"landing zone {root}; delete them there: {', '.join(done.landing_files)}",
            err=True,
        )


warehouse_app = typer.Typer(no_args_is_help=True, help="Administer the warehouse.")
app.add_typer(warehouse_app, name="warehouse")


@warehouse_app.command("grant-bi")
def grant_bi(
    role: Annotated[str, typer.Argument(help="Database role for BI tools (created if missing)")],
    warehouse: WarehouseOpt = None,
    login: Annotated[
        bool, typer.Option("--login", help="Let the role log in [default: NOLOGIN]")
    ] = False,
    password_env: Annotated[
        str | None,
        typer.Option("--password-env", help="Environment variable holding the role's password"),
    ] = None,
) -> None:
    """Make ROLE a read-only BI role (PostgreSQL): SELECT on the BI views, nothing else."""
    from virage.bi import check_role_name, grant_bi, password_from_env, require_postgresql
    from virage.warehouse import make_engine, open_warehouse, resolve_url

    try:  # refuse before opening: opening an SQLite path would create the file
        check_role_name(role)
        require_postgresql(make_engine(resolve_url(warehouse)))
        password = password_from_env(password_env)
        done = grant_bi(open_warehouse(warehouse), role, login, password)
    except ConfigError as exc:
        raise _fail(str(exc)) from None
    typer.echo(
        f"role {done.role} ({'created' if done.created else 'existing'}, "
        f"{'LOGIN' if done.login else 'NOLOGIN'}): USAGE on schema {done.schema}, SELECT on "
        f"{', '.join(done.views)}; no right on any table"
    )


@app.command()
def serve(
    landing: LandingOpt = None,
    warehouse: WarehouseOpt = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            help="IANA timezone of the 02:00 run and of 'yesterday' "
            "[default: $VIRAGE_TIMEZONE or Europe/Paris]",
        ),
    ] = None,
    cron: Annotated[
        str, typer.Option(help="When the nightly run starts, as a cron expression")
    ] = "0 2 * * *",
) -> None:
    """Serve the nightly schedule and the ad hoc deployment from this process, for a
    single machine without a worker: runs start here until Ctrl-C. With
    PREFECT_API_URL set they show in that server's UI."""
    for name, value in _QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
    from virage.flows.parameters import run_timezone
    from virage.tasks.landing import landing_dir, load_landing
    from virage.warehouse import open_warehouse_exclusively

    try:  # a schedule that can only fail is not worth serving
        zone = run_timezone(timezone)
        load_landing(landing_dir(landing))
        open_warehouse_exclusively(warehouse, wait_seconds=60)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    except WarehouseBusy as exc:
        raise _fail(str(exc), 3) from None
    except ConfigError as exc:
        raise _fail(str(exc)) from None

    from prefect import serve as prefect_serve
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron

    from virage.flows.nightly import nightly_scores

    # Absolute paths: the served runs must not depend on where this process started.
    parameters = {
        "landing": str(Path(landing_dir(landing)).resolve()),
        "warehouse_url": _absolute_sqlite(warehouse),
        "timezone": zone,
    }
    one_at_a_time = ConcurrencyLimitConfig(
        limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
    )
    try:
        nightly = nightly_scores.to_deployment(
            name="nightly",
            schedule=Cron(cron, timezone=zone),
            parameters={**parameters, "wait_for_lock_seconds": 1800},
            concurrency_limit=one_at_a_time,
            tags=["virage", "nightly"],
        )
    except ValueError as exc:  # an invalid cron expression
        raise _fail(f"--cron {cron!r}: {exc}") from None
    ad_hoc = nightly_scores.to_deployment(
        name="ad-hoc",
        parameters=parameters,
        concurrency_limit=one_at_a_time,
        tags=["virage", "ad-hoc"],
    )
    typer.echo(
        f"virage serve: nightly-scores/nightly at '{cron}' ({zone}) and nightly-scores/ad-hoc; "
        "Ctrl-C stops"
    )
    # Without a server of its own, the temporary one stops with this process: there
    # is no schedule left to pause on the way out.
    served_by_a_server = bool(os.environ.get("PREFECT_API_URL"))
    prefect_serve(
        nightly, ad_hoc, print_starting_message=False, pause_on_shutdown=served_by_a_server
    )


def _out_of_parameters(warehouse: str | None) -> str | None:
    """The --warehouse URL as a flow parameter. Prefect keeps a run's parameters on its
    server, for anyone with the UI to read: a URL holding a password reaches the flow
    through VIRAGE_WAREHOUSE_URL in this process's environment instead (runs started
    from here inherit it), which the flow reads when the parameter is empty."""
    from virage.warehouse import redact

    if warehouse and redact(warehouse) != warehouse:
        os.environ["VIRAGE_WAREHOUSE_URL"] = warehouse
        return None
    return warehouse


def _absolute_sqlite(url: str | None) -> str | None:
    """The warehouse URL with a relative SQLite path made absolute; any other URL as
    given (None: the runs read VIRAGE_WAREHOUSE_URL themselves, so that a password
    there never becomes a deployment parameter)."""
    from sqlalchemy.engine import make_url

    from virage.warehouse import resolve_url

    resolved = make_url(resolve_url(url))
    database = resolved.database
    if resolved.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return _out_of_parameters(url)
    return resolved.set(database=str(Path(database).resolve())).render_as_string(
        hide_password=False
    )


@app.command()
def backfill(
    start: Annotated[
        dt.datetime, typer.Option("--start", formats=["%Y-%m-%d"], help="First day to score")
    ],
    end: Annotated[
        dt.datetime,
        typer.Option("--end", formats=["%Y-%m-%d"], help="Last day to score (included)"),
    ],
    landing: LandingOpt = None,
    warehouse: WarehouseOpt = None,
    max_bad_rows: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Share of bad rows above which a whole file is quarantined"
        ),
    ] = 0.5,
    wait: Annotated[
        float,
        typer.Option(
            "--wait", min=0, help="Seconds each day waits for another run writing to the warehouse"
        ),
    ] = 60,
) -> None:
    """Score every day from --start to --end with the nightly flow, oldest first,
    stopping at the first day that fails."""
    for name, value in _QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
    from pydantic import ValidationError

    from virage.flows.parameters import DateRange
    from virage.tasks.landing import landing_dir, load_landing
    from virage.warehouse import open_warehouse

    try:
        days = DateRange(start=start.date(), end=end.date())
        load_landing(landing_dir(landing))
        open_warehouse(warehouse)
    except ValidationError as exc:
        raise _fail(
            "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        ) from None
    except ConfigError as exc:
        raise _fail(str(exc)) from None

    from virage.flows.backfill import backfill as backfill_flow

    try:
        done = backfill_flow(
            days,
            landing=landing,
            warehouse_url=_out_of_parameters(warehouse),
            max_bad_row_share=max_bad_rows,
            wait_for_lock_seconds=wait,
        )
    except Exception as exc:  # the flow run's log has the details
        first_line = (str(exc).strip().splitlines() or [""])[0]
        raise _fail(f"the backfill stopped: {first_line}", 1) from None
    for summary in done:
        typer.echo(
            f"{summary['as_of']}: {summary['scores_published']} scores (run {summary['run_id']})"
        )
    typer.echo(f"virage backfill {days.start} to {days.end}: {len(done)} day(s) completed")


def _print_table(board) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from virage.leaderboard import printable

    console = Console(width=None if sys.stdout.isatty() else 160)
    shown = ["rank", "display_name", "score", "tier", *COMPONENTS, "posts_considered"]
    for (campaign_id, role), group in board.groupby(["campaign_id", "role"], sort=True):
        table = Table(
            title=f"{campaign_id}: {role}s, as of {group['as_of_date'].iloc[0]}",
            title_justify="left",
        )
        for name in shown:
            table.add_column(
                name.replace("_", " "),
                justify="left" if name in ("display_name", "tier") else "right",
            )
        for row in group[shown].itertuples(index=False):
            table.add_row(  # Text: a name holding [link=...] or escapes stays text
                *(
                    Text("-" if v is None or v != v else f"{v:.1f}")
                    if v is None or isinstance(v, float)
                    else Text(printable(v))
                    for v in row
                )
            )
        console.print(table)


def main() -> None:
    """The `virage` command: the app, in a process that ends with it."""
    reuse_freed_memory()
    try:
        app()
    finally:
        # The process ends here: frozen, the night's objects are skipped by the
        # interpreter's last collection as it exits (1.2 s of 1.3 on the 1M-post night;
        # what the run opened it has closed, and nothing it left needs a finaliser).
        gc.freeze()


if __name__ == "__main__":
    main()
