"""The run's Great Expectations record: every suite once, results per file, Data Docs.

`record_checks` runs each suite of a pipeline run once over all of its rows (one GX
validation per suite, however many files the rows came from), asks GX for the
complete list of unexpected row positions, and counts those per file in pandas: one
`validation_results` row per (suite, file). With a docs folder, the run's results
are added to a Great Expectations Data Docs site there, next to earlier runs'.

GX is imported inside the functions that need it: the import alone takes seconds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import importlib.util
import json
import logging
import os
import sys
import threading
import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from virage.schemas.expectations import CAMPAIGNS, DERIVED_COLUMNS, SUITES, columns_of
from virage.schemas.fields import VALIDATION_RESULTS

log = logging.getLogger(__name__)

RESULT_COLUMNS = [c for c in VALIDATION_RESULTS.columns if c not in ("run_id", "validated_at")]
"""Columns of `Record.results`: validation_results before the publisher stamps the
run id and the time."""

DOCS_STORE = ".gx-store"
"""Under the docs folder: the validation results the site is built from. Data Docs'
index lists a run only while its result is here, so it must be kept with the site."""

SITE_NAME = "virage"
AUDITED = ("scores",)
"""Suites whose failure to run stops the night: what they guard is about to be
published."""


# COMPLETE is the only format whose unexpected_index_list is not cut to
# partial_unexpected_count (20) rows. The index query is a string that spells out
# every index again, so it is turned off. No values are kept: the stored results and
# their pages would otherwise quote up to 20 bad values per expectation, post texts
# of people who never consented among them (the quarantine withholds those).
_RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 20,
    "exclude_unexpected_values": True,
    "return_unexpected_index_query": False,
}
# Dropped from a result once counted, before it is stored for Data Docs: each lists
# every unexpected row; the partial list (first 20 positions) stays.
_FULL_LISTS = ("unexpected_index_list", "unexpected_list", "unexpected_index_query")


@dataclass
class SuiteBatch:
    """The rows one suite checks in a run."""

    suite: str
    """"posts", "accounts", "roster", "campaigns", "scores"."""
    frame: pd.DataFrame
    """Typed rows, all of them, including those the pipeline quarantines."""
    expectations: list[dict]
    """From schemas/expectations.py."""
    file_column: str | None
    """Column naming each row's file ("source_file"), or None for one whole frame."""
    whole_frame_name: str
    """The source_file reported when file_column is None, or for a row whose file
    is missing (e.g. "campaigns.yaml", "influence_scores")."""


@dataclass
class Record:
    """What Great Expectations checked in one pipeline run."""

    results: pd.DataFrame
    """One row per (suite, file): RESULT_COLUMNS, typed as VALIDATION_RESULTS."""
    expectations: list[dict]
    """One record per expectation over a suite's whole batch: suite, expectation,
    column, success, element_count, unexpected_count (for the run summary)."""
    docs_index: str | None
    """Path of the Data Docs index.html built for this run, or None."""
    validated: list[tuple[str, Any]] = field(default_factory=list)
    """(suite, GX result) of each batch run, for Data Docs built later (build_docs)."""
    suites: dict[str, list[dict]] = field(default_factory=dict)
    """Every suite's expectations, even of a suite with no rows this run: its Data
    Docs page stays."""


def campaign_rows(campaigns: Iterable[Any]) -> pd.DataFrame:
    """The campaigns frame (schemas.expectations.CAMPAIGNS) from campaign objects
    with id, name, keywords, hashtags, start and end (tasks.landing.Campaign). Blank
    keywords and hashtags made of '#' and spaces do not count, as in campaigns.yaml's
    own check."""
    rows = [
        {
            "campaign_id": c.id,
            "name": c.name,
            "keywords": sum(bool(str(k).strip()) for k in c.keywords),
            "hashtags": sum(bool(str(h).strip("# ")) for h in c.hashtags),
            "start": c.start,
            "end": c.end,
            **_event_fields(c),
        }
        for c in campaigns
    ]
    frame = pd.DataFrame(rows, columns=CAMPAIGNS.columns)
    return frame.astype(CAMPAIGNS.dtypes)


def _event_fields(campaign: Any) -> dict:
    """kind, event_markers, event_start and event_end of a campaign (a topic campaign,
    or an object without them: topic, its markers, no event times)."""
    is_event = getattr(campaign, "is_event", False)
    markers = [h.strip("# ") for h in campaign.hashtags] + [
        str(m).strip("@ ")
        for m in (*getattr(campaign, "brand_handles", ()), *getattr(campaign, "brand_domains", ()))
    ]
    start, end = campaign.event_period() if is_event else (None, None)
    return {
        "kind": "event" if is_event else "topic",
        "event_markers": sum(bool(m) for m in markers),
        "event_start": start,
        "event_end": end,
    }


def empty_results() -> pd.DataFrame:
    dtypes = VALIDATION_RESULTS.dtypes
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in RESULT_COLUMNS})


def record_checks(batches: list[SuiteBatch], docs_dir: Path | None, run_name: str) -> Record:
    """Run every batch's suite once with Great Expectations and return the per-file
    results, the per-expectation records and, when `docs_dir` is given, the path of
    the Data Docs index listing this run (named `run_name`) and earlier ones: check,
    then build_docs.

    A batch with no rows (or no expectations) is not run and yields no result row."""
    record = check(batches)
    if docs_dir is None or not record.validated:
        return record
    return dataclasses.replace(record, docs_index=build_docs(record, docs_dir, run_name))


def check(batches: list[SuiteBatch]) -> Record:
    """record_checks without the Data Docs: their pages can be built later, off the
    run's way (build_docs)."""
    names = [b.suite for b in batches]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"one batch per suite: {', '.join(repeated)} given more than once")
    to_run = [b for b in batches if not b.frame.empty and b.expectations]
    if not to_run:
        return Record(empty_results(), [], None)

    gx = import_gx()
    context = _context(gx, None)
    source = context.data_sources.add_pandas("virage")
    expectations = {b.suite: b.expectations for b in batches if b.expectations}
    suites = {name: context.suites.add(_suite(gx, name, e)) for name, e in expectations.items()}

    parts: list[pd.DataFrame] = []
    records: list[dict] = []
    validated = []
    for b in to_run:
        frame = _prepared(b)
        batch = (
            source.add_dataframe_asset(b.suite)
            .add_batch_definition_whole_dataframe("whole")
            .get_batch(batch_parameters={"dataframe": frame})
        )
        try:
            result = batch.validate(suites[b.suite], result_format=_RESULT_FORMAT)
        except Exception:
            if b.suite in AUDITED:
                raise
            # The record of a frame already checked row by row: its loss is logged.
            log.error("great expectations: suite %s could not run", b.suite, exc_info=True)
            continue
        files = _files(b)
        parts.append(_per_file(b.suite, files, result.results))
        records += [_summary_record(b.suite, r) for r in result.results]
        _drop_full_lists(result)
        validated.append((b.suite, result))
        log.info(
            "great expectations: %s, %d rows from %d file(s): %s",
            b.suite,
            len(frame),
            files.nunique(),
            "success" if result.success else "unexpected values",
        )
    _forget_context()
    results = pd.concat([empty_results(), *parts], ignore_index=True)[RESULT_COLUMNS]
    return Record(
        results.astype({c: VALIDATION_RESULTS.dtypes[c] for c in RESULT_COLUMNS}),
        records,
        None,
        validated,
        expectations,
    )


def build_docs(record: Record, docs_dir: Path, run_name: str) -> str | None:
    """Data Docs for the results of `record` (a run's results named `run_name`) and
    its suites, in `docs_dir`, whose index lists earlier runs too: the index's path,
    or None when the pages could not be built (logged: the record stands without
    them)."""
    if not record.validated:
        return None
    gx = import_gx()
    from great_expectations.core.run_identifier import RunIdentifier

    docs = Path(docs_dir).expanduser().resolve()
    run_id = RunIdentifier(run_name=_safe_run_name(run_name), run_time=dt.datetime.now(dt.UTC))
    try:
        context = _context(gx, docs)
        for name, expectations in record.suites.items():
            context.suites.add(_suite(gx, name, expectations))
        stored = [_store(context, result, suite, run_id) for suite, result in record.validated]
        return _build_docs(context, docs, stored, list(record.suites))
    except Exception:  # an unwritable folder, a page GX cannot render: logged
        log.warning("great expectations: Data Docs not built in %s", docs, exc_info=True)
        return None
    finally:
        _forget_context()


def docs_index_of(docs_dir: Path) -> str:
    """Where build_docs writes the Data Docs index of `docs_dir`."""
    return str(Path(docs_dir).expanduser().resolve() / "index.html")


def _forget_context() -> None:
    """Let go of the context GX keeps as its current project: through the data assets
    it holds the frames just validated (a night's posts: hundreds of MB kept until
    the next context replaced it)."""
    from great_expectations.data_context.data_context.context_factory import set_context

    set_context(None)


IMPORTED_ON_FIRST_USE = ("scipy.stats", "altair")
"""What Great Expectations imports for one expectation we never use (the KL divergence
and its charts): 0.75 s of its 2.2 s of imports on our machine. Imported when first
used, should a suite ever need them."""


class _OnFirstUse(types.ModuleType):
    """Stands in sys.modules for a module not imported yet; its first attribute looked
    up imports the module, which replaces it there, and is read from it from then on.
    (importlib.util.LazyLoader would not do: Python 3.11's import statement reads the
    module's __spec__ through it, which imports the module at once.)"""

    def __getattr__(self, attribute: str) -> Any:
        with _FIRST_USE:  # two threads at once: one imports, the other waits for it
            module = sys.modules.get(self.__name__)
            if module is self:  # the first use: the real import
                del sys.modules[self.__name__]
                try:
                    module = importlib.import_module(self.__name__)
                except BaseException:
                    sys.modules[self.__name__] = self  # tried again at the next use
                    raise
        return getattr(module, attribute)


_FIRST_USE = threading.Lock()


def _import_on_first_use(name: str) -> None:
    spec = None if name in sys.modules else importlib.util.find_spec(name)
    if spec is None:  # imported already, or not installed
        return
    stand_in = _OnFirstUse(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in


def import_gx():
    """Great Expectations, imported quietly and set up for our batches (slow: about
    3 s; `virage run` does it while Prefect's temporary server starts)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # GX logs at INFO while importing (docs decorators) and on every context (the
    # data sources it loads): noise in a nightly log, unless someone asked for it.
    gx_logger = logging.getLogger("great_expectations")
    if gx_logger.level == logging.NOTSET:
        gx_logger.setLevel(logging.WARNING)
    for name in IMPORTED_ON_FIRST_USE:
        _import_on_first_use(name)
    import great_expectations as gx  # slow import: only when recording

    # GX pins this module's logger at INFO; it announces temporary docs folders.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    # GX labels every in-memory batch under this many bytes with an md5 of pandas'
    # row hashes, twice per suite: 3 s per million posts, for a label we never read
    # (our batches are named by suite and run). The threshold is read at each call.
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0
    return gx


def _context(gx, docs: Path | None):
    """An ephemeral context: nothing on disk, except, with a docs folder, the site and
    the results store it is built from, both inside that folder."""
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    defaults = InMemoryStoreBackendDefaults(init_temp_docs_sites=False)
    stores = defaults.stores
    sites: dict = {}
    if docs is not None:
        stores[defaults.validation_results_store_name] = {
            "class_name": "ValidationResultsStore",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs / DOCS_STORE / "validations"),
            },
        }
        sites[SITE_NAME] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "site_section_builders": {
                "profiling": "None",
                # GX hides runs whose name includes "profiling" by default: list all.
                "validations": {"run_name_filter": {"matches_regex": "^"}},
            },
        }
    config = DataContextConfig(
        store_backend_defaults=defaults,
        stores=stores,
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _suite(gx, name: str, expectations: list[dict]):
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    suite = gx.ExpectationSuite(name=name)
    for item in expectations:
        suite.add_expectation_configuration(
            ExpectationConfiguration(
                type=item["type"], kwargs=item["kwargs"], description=item.get("description")
            )
        )
    return suite


def _safe_run_name(run_name: str) -> str:
    # The run name is a folder of the results store and of the site.
    return run_name.replace("/", "-").replace("\\", "-").strip() or "run"


def _prepared(b: SuiteBatch) -> pd.DataFrame:
    """The columns the suite reads, derived ones added, on positions 0..n-1 (GX's
    unexpected indices are then row positions)."""
    frame = b.frame.reset_index(drop=True)
    needed = _columns_read(b.expectations)
    for column in sorted(needed or ()):
        if column not in frame.columns and column in DERIVED_COLUMNS:
            frame = frame.assign(**{column: DERIVED_COLUMNS[column](frame)})
    if needed is not None:
        frame = frame[[c for c in frame.columns if c in needed]]
    # GX compares numbers in C only for numpy dtypes: on a nullable Int64 column its
    # between-check calls Python once per value (10 s per million posts). As float64
    # the missing values are NaN, which GX leaves out of map checks like NA.
    nullable = {
        c: "float64"
        for c, dtype in frame.dtypes.items()
        if isinstance(dtype, pd.api.extensions.ExtensionDtype)
        and pd.api.types.is_numeric_dtype(dtype)
        and not pd.api.types.is_bool_dtype(dtype)
    }
    return frame.astype(nullable) if nullable else frame


def _columns_read(expectations: list[dict]) -> set[str] | None:
    """Columns the expectations read, row conditions included; None when a row
    condition is a string GX parses itself (then every column is kept)."""
    found: set[str] = set()
    for e in expectations:
        found.update(columns_of(e))
        condition = e["kwargs"].get("row_condition")
        if isinstance(condition, str):
            return None
        found.update(_condition_columns(condition))
    return found


def _condition_columns(condition: Any) -> set[str]:
    if isinstance(condition, dict):
        column = condition.get("column")
        names = {column["name"]} if isinstance(column, dict) and "name" in column else set()
        for value in condition.values():
            names |= _condition_columns(value)
        return names
    if isinstance(condition, list):
        return set().union(*(_condition_columns(c) for c in condition))
    return set()


def _files(b: SuiteBatch) -> pd.Series:
    """Each row's file, by position."""
    if b.file_column is None:
        return pd.Series(b.whole_frame_name, index=range(len(b.frame)), dtype="str")
    files = b.frame[b.file_column].reset_index(drop=True).astype("str")
    return files.fillna(b.whole_frame_name).replace("", b.whole_frame_name)


def _per_file(suite: str, files: pd.Series, results: list) -> pd.DataFrame:
    """One row per file: rows checked, rows breaking any expectation, expectations
    broken, and the unexpected count of every expectation for that file."""
    codes, names = pd.factorize(files, sort=True)
    evaluated = np.bincount(codes, minlength=len(names))
    bad_row = np.zeros(len(files), dtype=bool)
    whole_batch_failure = np.zeros(len(names), dtype=bool)
    failed = np.zeros(len(names), dtype=np.int64)
    per_file_stats: list[list[dict]] = [[] for _ in names]
    for r in results:
        config = r.expectation_config
        entry = {"expectation": config.type, "column": _column_label(config)}
        indices = (r.result or {}).get("unexpected_index_list")
        if indices is None:
            # No row list: the expectation raised, or is not a row-by-row check. Its
            # verdict holds for every file.
            counts = None
            if not r.success:
                whole_batch_failure[:] = True
                failed += 1
            error = _error(r)
        else:
            positions = np.asarray(indices, dtype=np.int64)
            bad_row[positions] = True
            counts = np.bincount(codes[positions], minlength=len(names))
            failed += counts > 0
            error = None
        for i in range(len(names)):
            stat = {**entry, "unexpected": None if counts is None else int(counts[i])}
            if counts is None:
                stat["success"] = bool(r.success)
                if error:
                    stat["error"] = error
            per_file_stats[i].append(stat)
    unexpected = np.bincount(codes[bad_row], minlength=len(names))
    return pd.DataFrame(
        {
            "suite": suite,
            "source_file": names,
            "success": (failed == 0) & ~whole_batch_failure,
            "evaluated_rows": evaluated,
            "unexpected_rows": unexpected,
            "expectations": len(results),
            "failed_expectations": failed,
            "statistics": [json.dumps(s, separators=(",", ":")) for s in per_file_stats],
        }
    )


def _error(r) -> str | None:
    """The message of the exception an expectation raised, if any. GX gives either one
    {exception_message, ...} or one such dict per metric that failed."""
    info = r.exception_info or {}
    if info.get("exception_message"):
        return str(info["exception_message"])
    for value in info.values():
        if isinstance(value, dict) and value.get("exception_message"):
            return str(value["exception_message"])
    return None


def _column_label(config) -> str:
    return ", ".join(columns_of({"kwargs": config.kwargs}))


def _summary_record(suite: str, r) -> dict:
    result = r.result or {}
    return {
        "suite": suite,
        "expectation": r.expectation_config.type,
        "column": _column_label(r.expectation_config),
        "success": bool(r.success),
        "element_count": int(result.get("element_count", 0) or 0),
        "unexpected_count": int(result.get("unexpected_count", 0) or 0),
    }


def _drop_full_lists(result) -> None:
    """Keep only the partial (first 20) lists: the full ones have served."""
    for r in result.results:
        for key in _FULL_LISTS:
            (r.result or {}).pop(key, None)


def _store(context, result, suite: str, run_id):
    """Name the result after the run and keep it in the docs folder's results store;
    return its key."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    result.meta["run_id"] = run_id
    result.meta["validation_time"] = run_id.run_time
    # Data Docs take a page's asset name from here (a fluent batch leaves it unset).
    result.meta["batch_kwargs"] = {"data_asset_name": suite}
    key = ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite),
        run_id=run_id,
        batch_identifier=result.batch_id or suite,
    )
    context.validation_results_store.set(key, result)
    return key


def _build_docs(context, docs: Path, stored: list, suites: list[str]) -> str | None:
    """Render this run's pages and the suites' pages, and rebuild the index from
    every result in the docs folder's store (earlier runs' pages are kept)."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
    )

    resources = [*stored, *(ExpectationSuiteIdentifier(name=s) for s in suites)]
    context.build_data_docs(site_names=[SITE_NAME], resource_identifiers=resources)
    index = docs / "index.html"
    return str(index) if index.is_file() else None


def joined(first: Record, then: Record) -> Record:
    """Two records of one run as one (the later Data Docs index lists both)."""
    results = pd.concat([first.results, then.results], ignore_index=True)
    return Record(
        results.astype(first.results.dtypes.to_dict()),
        [*first.expectations, *then.expectations],
        then.docs_index or first.docs_index,
        [*first.validated, *then.validated],
        {**first.suites, **then.suites},
    )


class ScoresRejected(Exception):
    """The scores broke their suite: publishing them would mislead BI users."""


FILE_COLUMN = "source_file"
"""The column naming each row's file in the exports' and the roster's frames."""


def recorded_columns(suite: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` cut to the columns `suite` reads and the one naming each row's file
    (the suite is the same over them): copies made for the record (leaving out rows
    of people who have not consented) then carry nothing else."""
    needed = _columns_read(SUITES[suite](list(frame.columns)))
    if needed is None:
        return frame
    return frame[[c for c in frame.columns if c in needed or c == FILE_COLUMN]]


def night_batches(
    posts: pd.DataFrame,
    accounts: pd.DataFrame,
    roster: pd.DataFrame,
    campaigns: Iterable[Any],
    scores: pd.DataFrame,
) -> list[SuiteBatch]:
    """The five suites of a nightly run over its typed frames: every parsed post and
    follower count (bad rows too), every roster row, the campaigns and the scores
    about to be published."""
    frames = {
        "posts": (posts, FILE_COLUMN, "exports"),
        "accounts": (accounts, FILE_COLUMN, "exports"),
        "roster": (roster, FILE_COLUMN, "roster.csv"),
        "campaigns": (campaign_rows(campaigns), None, "campaigns.yaml"),
        "scores": (scores, None, "influence_scores"),
    }
    return [
        SuiteBatch(
            name,
            frame,
            SUITES[name](list(frame.columns)) if name != "campaigns" else SUITES[name](),
            column if column in frame.columns else None,
            whole,
        )
        for name, (frame, column, whole) in frames.items()
    ]


def failed_expectations(record: Record, suite: str) -> list[dict]:
    """The expectations of `suite` that some rows broke."""
    return [e for e in record.expectations if e["suite"] == suite and not e["success"]]


def reject_broken_scores(record: Record) -> None:
    """Raise ScoresRejected when the scores broke their suite: the audit before
    publishing."""
    broken = failed_expectations(record, "scores")
    if broken:
        raise ScoresRejected(
            "the scores break their suite, nothing was published: "
            + "; ".join(
                f"{e['expectation']}({e['column']}): {e['unexpected_count']}" for e in broken
            )
        )
