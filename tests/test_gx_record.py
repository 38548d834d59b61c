"""The run's Great Expectations record: real GX, no mocks."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from virage.schemas.expectations import (
    RANK_CONSISTENT,
    SUITES,
    campaigns_expectations,
    posts_expectations,
    rank_consistent,
    render_suites,
    scores_expectations,
    with_suites,
)
from virage.schemas.fields import (
    ACCOUNTS,
    COMPONENTS,
    MAX_TEXT_CHARS,
    POSTS,
    SCORES,
    VALIDATION_RESULTS,
)
from virage.tasks.gx_record import RESULT_COLUMNS, SuiteBatch, campaign_rows, record_checks

REPO = Path(__file__).resolve().parents[1]


def posts_from(source_file: str, n: int) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "platform": "x",
            "handle": "ana",
            "post_id": [f"{source_file}-{i}" for i in range(n)],
            "person_id": "p1",
            "posted_at": pd.Timestamp("2026-11-01T10:00Z"),
            "text": "bonjour",
            "url": None,
            "impressions": None,
            "likes": 5,
            "comments": 0,
            "shares": 1,
            "clicks": None,
            "is_sponsored": False,
            "source_file": source_file,
            "source_sha256": "0" * 64,
            "observed_at": pd.Timestamp("2026-11-02T00:00Z"),
            "first_seen_at": pd.Timestamp("2026-11-02T00:00Z"),
            "last_seen_at": pd.Timestamp("2026-11-02T00:00Z"),
        }
    )
    return frame.astype(POSTS.dtypes)


def posts_batch(frame: pd.DataFrame) -> SuiteBatch:
    return SuiteBatch("posts", frame, posts_expectations(), "source_file", "posts")


def statistics(row: pd.Series) -> dict[tuple[str, str], int | None]:
    return {(s["expectation"], s["column"]): s["unexpected"] for s in json.loads(row["statistics"])}


def broken(row: pd.Series) -> dict[tuple[str, str], int | None]:
    return {k: v for k, v in statistics(row).items() if v != 0}


@pytest.fixture
def elsewhere(tmp_path, monkeypatch) -> Path:
    """Run from an empty scratch folder, to see that nothing lands in the cwd."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


def test_posts_results_per_file(elsewhere):
    good = posts_from("exports/good.csv", 3)
    bad = posts_from("exports/bad.csv", 5)
    bad.loc[[1, 3], "likes"] = -4
    bad.loc[3, "platform"] = "myspace"  # the same row breaks two expectations
    bad.loc[4, "platform"] = "friendster"
    bad.loc[0, "text"] = "x" * (MAX_TEXT_CHARS + 1)
    frame = pd.concat([good, bad], ignore_index=True)

    record = record_checks([posts_batch(frame)], None, "test-run")

    results = record.results.set_index("source_file")
    stamped_later = ("run_id", "validated_at")
    expected_columns = [c for c in VALIDATION_RESULTS.columns if c not in stamped_later]
    assert list(record.results.columns) == RESULT_COLUMNS == expected_columns
    assert record.results.dtypes.to_dict() == {
        c: pd.api.types.pandas_dtype(VALIDATION_RESULTS.dtypes[c]) for c in expected_columns
    }
    assert sorted(results.index) == ["exports/bad.csv", "exports/good.csv"]
    assert (results["suite"] == "posts").all()
    assert results["expectations"].tolist() == [len(posts_expectations())] * 2
    good_row, bad_row = results.loc["exports/good.csv"], results.loc["exports/bad.csv"]
    assert (good_row["evaluated_rows"], good_row["unexpected_rows"]) == (3, 0)
    assert (bad_row["evaluated_rows"], bad_row["unexpected_rows"]) == (5, 4)
    assert good_row["success"] and not bad_row["success"]
    assert (good_row["failed_expectations"], bad_row["failed_expectations"]) == (0, 3)
    assert broken(good_row) == {}
    assert broken(bad_row) == {
        ("expect_column_values_to_be_between", "likes"): 2,
        ("expect_column_values_to_be_in_set", "platform"): 2,
        ("expect_column_value_lengths_to_be_between", "text"): 1,
    }
    assert len(statistics(bad_row)) == len(posts_expectations())
    # The run summary's records cover the whole batch.
    failed = {(e["expectation"], e["column"]): e for e in record.expectations if not e["success"]}
    assert set(failed) == set(broken(bad_row))
    assert failed[("expect_column_values_to_be_in_set", "platform")]["unexpected_count"] == 2
    assert failed[("expect_column_values_to_be_in_set", "platform")]["element_count"] == 8
    assert record.docs_index is None
    assert list(elsewhere.iterdir()) == []


def test_unexpected_rows_are_counted_past_gx_partial_lists():
    """GX's partial lists stop at 20 rows; the per-file counts must not."""
    frames = [posts_from(f"exports/{i:02d}.csv", 100) for i in range(30)]
    frame = pd.concat(frames, ignore_index=True).sample(frac=1, random_state=7)  # any order
    frame.index = frame.index + 1_000  # and any index
    bad = frame["source_file"].isin(["exports/03.csv", "exports/17.csv"])
    frame.loc[bad, "likes"] = -1
    frame.loc[frame["source_file"].eq("exports/17.csv"), "platform"] = "myspace"

    results = record_checks([posts_batch(frame)], None, "big").results.set_index("source_file")

    assert len(results) == 30
    assert results["evaluated_rows"].eq(100).all()
    assert results.loc["exports/03.csv", "unexpected_rows"] == 100
    assert results.loc["exports/17.csv", "unexpected_rows"] == 100
    assert broken(results.loc["exports/17.csv"]) == {
        ("expect_column_values_to_be_between", "likes"): 100,
        ("expect_column_values_to_be_in_set", "platform"): 100,
    }
    assert results["success"].sum() == 28


# --- scores ------------------------------------------------------------------------


def scores(*rows: tuple[str, str, float, int]) -> pd.DataFrame:
    """(person_id, role, score, rank) rows of campaign c1 on 2026-11-01."""
    frame = pd.DataFrame(rows, columns=["person_id", "role", "score", "rank"]).assign(
        as_of_date=pd.Timestamp("2026-11-01"),
        campaign_id="c1",
        display_name=lambda f: f["person_id"].str.upper(),
        tier="micro",
        posts_considered=4,
        sponsored_share=0.25,
        explanation="posts regularly",
        run_id="",
        **{c: 50.0 for c in COMPONENTS},
    )
    frame["advocacy"] = frame["advocacy"].where(frame["role"] == "ambassador")
    return frame[SCORES.columns].astype(SCORES.dtypes)


GOOD_SCORES = [
    ("p1", "ambassador", 90.0, 1),
    ("p2", "ambassador", 80.0, 2),
    ("p3", "ambassador", 80.0, 3),
    ("p4", "influencer", 70.0, 1),
]


def check_scores(frame: pd.DataFrame) -> pd.Series:
    batch = SuiteBatch("scores", frame, scores_expectations(), None, "influence_scores")
    results = record_checks([batch], None, "scores").results
    assert len(results) == 1
    row = results.iloc[0]
    assert row["source_file"] == "influence_scores"
    assert row["evaluated_rows"] == len(frame)
    return row


def test_scores_catch_a_duplicate_key():
    # p1 again, as an influencer: the key repeats, the ranks stay consistent.
    row = check_scores(scores(*GOOD_SCORES, ("p1", "influencer", 60.0, 2)))
    assert broken(row) == {
        ("expect_compound_columns_to_be_unique", "as_of_date, campaign_id, person_id"): 2
    }
    assert (row["success"], row["unexpected_rows"], row["failed_expectations"]) == (False, 2, 1)


def test_scores_catch_a_score_above_100():
    frame = scores(*GOOD_SCORES)
    frame.loc[0, "score"] = 101.0
    row = check_scores(frame)
    assert broken(row) == {("expect_column_values_to_be_between", "score"): 1}
    assert row["unexpected_rows"] == 1


def test_scores_catch_an_inconsistent_rank():
    frame = scores(*GOOD_SCORES)
    frame.loc[[0, 1], "rank"] = [2, 1]  # p1 (90) ranked below p2 (80)
    row = check_scores(frame)
    assert broken(row) == {("expect_column_values_to_be_in_set", RANK_CONSISTENT): 1}
    assert row["unexpected_rows"] == 1


def test_good_scores_pass_and_advocacy_may_be_null():
    row = check_scores(scores(*GOOD_SCORES))
    assert row["success"] and row["unexpected_rows"] == 0 and broken(row) == {}


@pytest.mark.parametrize(
    ("ranks", "points", "expected"),
    [
        ([1, 2, 3], [90, 80, 80], [True, True, True]),  # a tie may take either order
        ([1, 2, 4], [90, 80, 70], [True, True, False]),  # 4 is past the group's size
        ([1, 1, 2], [90, 90, 80], [False, False, True]),  # a repeated rank flags each holder
        ([2, 1, 3], [90, 80, 70], [False, True, True]),  # rank 2 outscores rank 1
        ([0, 1, 2], [90, 80, 70], [False, True, True]),  # ranks start at 1
    ],
)
def test_rank_consistent(ranks, points, expected):
    frame = pd.DataFrame(
        {
            "as_of_date": pd.Timestamp("2026-11-01"),
            "campaign_id": "c1",
            "role": "ambassador",
            "score": [float(p) for p in points],
            "rank": pd.array(ranks, dtype="Int64"),
        },
        index=[7, 3, 5],
    )
    flags = rank_consistent(frame)
    assert flags.tolist() == expected
    assert flags.index.tolist() == [7, 3, 5]


def test_rank_consistent_counts_within_day_campaign_and_role():
    frame = scores(*GOOD_SCORES)  # p4 is rank 1 of the influencers: not a repeat
    assert rank_consistent(frame).all()
    assert rank_consistent(frame.iloc[:0]).empty


# --- campaigns ---------------------------------------------------------------------


def campaign(id_: str, name: str | None, keywords=("launch",), hashtags=(), start=None, end=None):
    return SimpleNamespace(
        id=id_, name=name, keywords=keywords, hashtags=hashtags, start=start, end=end
    )


def test_campaigns_catch_end_before_start_and_a_missing_name():
    rows = campaign_rows(
        [
            campaign("ok", "Fine", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)),
            campaign("open", "No dates", keywords=(), hashtags=("#tag",)),
            campaign("late", "Ends early", start=dt.date(2026, 11, 30), end=dt.date(2026, 11, 1)),
            campaign("anon", None),
            campaign("vague", "No topic", keywords=(" ",), hashtags=("#",)),
        ]
    )
    assert rows["keywords"].tolist() == [1, 0, 1, 1, 0]
    assert rows["hashtags"].tolist() == [0, 1, 0, 0, 0]
    batch = SuiteBatch("campaigns", rows, campaigns_expectations(), None, "campaigns.yaml")

    record = record_checks([batch], None, "campaigns")

    row = record.results.iloc[0]
    assert len(record.results) == 1 and row["source_file"] == "campaigns.yaml"
    assert (row["evaluated_rows"], row["unexpected_rows"], row["success"]) == (5, 3, False)
    assert broken(row) == {
        ("expect_column_values_to_not_be_null", "name"): 1,
        ("expect_column_pair_values_a_to_be_greater_than_b", "end, start"): 1,
        ("expect_column_values_to_be_between", "hashtags"): 1,
    }


# --- Data Docs ---------------------------------------------------------------------


def test_data_docs_accumulate_runs_inside_the_docs_folder(tmp_path, elsewhere):
    repo_before = {p.name for p in REPO.iterdir()}
    docs = tmp_path / "docs"
    empty_accounts = pd.DataFrame({c: pd.Series(dtype=t) for c, t in ACCOUNTS.dtypes.items()})
    batches = [
        SuiteBatch("accounts", empty_accounts, SUITES["accounts"](), "source_file", "accounts"),
        SuiteBatch(
            "campaigns",
            campaign_rows([campaign("c1", "One"), campaign("c2", None)]),
            campaigns_expectations(),
            None,
            "campaigns.yaml",
        ),
    ]

    first = record_checks(batches, docs, "nightly-2026-11-01-first")
    second = record_checks(batches, docs, "nightly-2026-11-02-second")

    # The empty frame is not run and has no result row.
    assert first.results["suite"].tolist() == ["campaigns"]
    assert first.docs_index == second.docs_index == str(docs.resolve() / "index.html")
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert "nightly-2026-11-01-first" in index and "nightly-2026-11-02-second" in index
    first_pages = list((docs / "validations" / "campaigns").glob("nightly-2026-11-01-first/*/*"))
    assert len(first_pages) == 1 and first_pages[0].suffix == ".html"
    assert (docs / "expectations" / "campaigns.html").is_file()
    assert (docs / ".gx-store" / "validations" / "campaigns").is_dir()
    # Nothing written in the working directory or the repository.
    assert list(elsewhere.iterdir()) == []
    assert {p.name for p in REPO.iterdir()} == repo_before
    assert not {"gx", "great_expectations", "uncommitted"} & repo_before


def test_empty_frames_do_not_run_gx():
    empty = posts_from("exports/none.csv", 0)
    record = record_checks([posts_batch(empty)], None, "empty")
    assert record.results.empty and list(record.results.columns) == RESULT_COLUMNS
    assert record.expectations == [] and record.docs_index is None


def test_one_batch_per_suite():
    frame = posts_from("exports/a.csv", 1)
    with pytest.raises(ValueError, match="posts"):
        record_checks([posts_batch(frame), posts_batch(frame)], None, "twice")


def test_render_suites_lists_every_suite_and_the_docs_are_current():
    text = render_suites()
    for name, build in SUITES.items():
        assert f"### {name} ({len(build())} expectations)" in text
    assert "ranks consistent" in text
    doc = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")
    assert doc == with_suites(doc), "run `python -m virage.schemas.expectations`"


def test_an_unusable_docs_folder_costs_the_pages_not_the_record(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    record = record_checks(
        [posts_batch(posts_from("exports/a.posts.csv", 3))], blocker / "docs", "r1"
    )
    assert record.docs_index is None
    assert record.results["evaluated_rows"].tolist() == [3]


def test_the_record_of_the_columns_a_suite_reads_is_the_whole_record():
    from virage.tasks.gx_record import night_batches, recorded_columns

    frame = pd.concat([posts_from("exports/a.csv", 4), posts_from("exports/b.csv", 3)])
    frame = frame.reset_index(drop=True)
    frame.loc[[1, 5], "likes"] = -1
    cut = recorded_columns("posts", frame)
    assert "source_file" in cut.columns and "url" not in cut.columns
    assert set(cut.columns) < set(frame.columns)

    def record_of(posts):
        (batch,) = [b for b in night_batches(posts, *EMPTY_REST) if b.suite == "posts"]
        return batch.expectations, record_checks([batch], None, "run")

    full_suite, full = record_of(frame)
    cut_suite, pruned = record_of(cut)
    assert cut_suite == full_suite
    pd.testing.assert_frame_equal(pruned.results, full.results)
    assert pruned.expectations == full.expectations
    assert not pruned.results["success"].all()  # the broken rows are seen either way


EMPTY_REST = (pd.DataFrame(), pd.DataFrame(), [], pd.DataFrame())


def test_two_records_of_a_run_join_into_one(tmp_path):
    from virage.tasks.gx_record import joined

    rows = record_checks([posts_batch(posts_from("exports/a.csv", 3))], tmp_path, "night")
    scores_batch = SuiteBatch("scores", pd.DataFrame(), [], None, "influence_scores")
    nothing = record_checks([scores_batch], None, "night")
    whole = joined(rows, nothing)
    assert whole.results.equals(rows.results) and whole.expectations == rows.expectations
    assert whole.docs_index == rows.docs_index is not None  # the later one has none
    again = joined(rows, rows)
    assert len(again.results) == 2 * len(rows.results)
    assert again.results.dtypes.equals(rows.results.dtypes)
    assert again.expectations == rows.expectations * 2


def test_no_copy_of_a_validated_frame_outlives_the_record():
    """GX keeps its latest context as the current project, and through it the frames
    just validated: the record lets go of it (a night's posts are hundreds of MB)."""
    import gc

    rows = 4_321  # a length no other frame here has
    frame = posts_from("exports/a.csv", rows)
    record_checks([posts_batch(frame)], None, "test-run")
    gc.collect()
    copies = [
        o
        for o in gc.get_objects()
        if isinstance(o, pd.DataFrame) and len(o) == rows and o is not frame
    ]
    assert copies == []


def test_a_record_checked_now_has_its_data_docs_built_later_in_one_go(tmp_path):
    """The nightly run checks its rows, then its scores, and builds the pages of both
    once, while it publishes: one index listing both suites' pages of the run."""
    from virage.tasks.gx_record import build_docs, check, docs_index_of, joined

    docs = tmp_path / "docs"
    rows = check([posts_batch(posts_from("exports/a.csv", 3))])
    audit = check([SuiteBatch("scores", scores(*GOOD_SCORES), scores_expectations(), None, "s")])
    assert rows.docs_index is None and not docs.exists()  # checking writes no page
    index = build_docs(joined(rows, audit), docs, "nightly-2026-11-01-r1")
    assert index == docs_index_of(docs) and Path(index).is_file()
    for suite in ("posts", "scores"):
        pages = list((docs / "validations" / suite).glob("nightly-2026-11-01-r1/*/*"))
        assert len(pages) == 1, suite
        assert (docs / "expectations" / f"{suite}.html").is_file()


def test_scores_that_break_their_suite_are_rejected_with_their_data_docs(prefect_api_url, tmp_path):
    """The nightly run builds its pages after the audit; scores the audit rejects
    stop the run before then: their pages are built at once, for whoever looks into
    why."""
    from prefect import flow

    from virage.tasks import steps
    from virage.tasks.gx_record import ScoresRejected, check

    frame = scores(*GOOD_SCORES)
    frame.loc[0, "score"] = 101.0
    docs = tmp_path / "docs"
    rows = check([posts_batch(posts_from("exports/a.csv", 3))])

    @flow
    def audit() -> None:
        steps.record_scores(rows, frame, str(docs), "nightly-2026-11-01-rejected")

    with pytest.raises(ScoresRejected, match="score"):
        audit()
    pages = list((docs / "validations" / "scores").glob("nightly-2026-11-01-rejected/*/*"))
    assert len(pages) == 1
    page = " ".join(re.sub(r"<[^>]*>", " ", pages[0].read_text(encoding="utf-8")).split())
    assert "Unsuccessful Expectations 1 " in page
