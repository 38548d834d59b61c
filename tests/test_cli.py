"""The `virage` command as a user runs it: a real process, real files.

Tests elsewhere that are about what a command does, not about its process, run it with
`virage_here`: the same command in the test's process (a `virage run` process spends
about 4 s importing before it starts)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_publish import publish_world
from tests.worlds import AS_OF, PERSONAS
from virage.warehouse import open_warehouse

VIRAGE = str(Path(sys.executable).parent / "virage")


def virage(
    *args: str, env: dict | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [VIRAGE, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def virage_here(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`virage ARGS` run in this process by typer's CliRunner: its exit code and what it
    printed, as `virage` gives them. The environment is left as it was found (`virage
    run` sets its quiet defaults in it); an exception other than an exit is raised."""
    from typer.testing import CliRunner

    from virage.cli import app

    saved = dict(os.environ)
    try:
        result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(
        ["virage", *args], result.exit_code, result.stdout, result.stderr
    )


def assert_one_clear_line(result: subprocess.CompletedProcess, words: str) -> None:
    assert result.returncode == 2  # configuration errors, as the README documents
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("virage: error:") and words in lines[0], lines[0]


def test_missing_landing_folder(tmp_path):
    result = virage(
        "run", "--landing", str(tmp_path / "nope"), "--warehouse", f"sqlite:///{tmp_path / 'w.db'}"
    )
    assert_one_clear_line(result, "does not exist")


def test_landing_from_the_environment_and_missing_roster(tmp_path):
    (tmp_path / "landing").mkdir()
    result = virage(
        "run",
        "--warehouse",
        f"sqlite:///{tmp_path / 'w.db'}",
        env={"VIRAGE_LANDING": str(tmp_path / "landing")},
    )
    assert_one_clear_line(result, "roster.csv not found")


def test_invalid_campaigns(world, tmp_path):
    (world / "campaigns.yaml").write_text("campaigns:\n  - id: x\n")
    result = virage("run", "--landing", str(world), "--warehouse", f"sqlite:///{tmp_path}/w.db")
    assert_one_clear_line(result, "campaigns.yaml: campaign #1 (x): name: Field required")


def test_invalid_sources(world, tmp_path):
    (world / "sources.yaml").write_text(
        "sources:\n  - name: a\n    url: https://example.org/a.zip\n    path: x/a/a.zip\n"
        "    headers:\n      Authorization: Bearer s3cret\n"
    )
    result = virage("run", "--landing", str(world), "--warehouse", f"sqlite:///{tmp_path}/w.db")
    assert_one_clear_line(result, "literal values are not allowed")
    assert "s3cret" not in result.stderr + result.stdout


def test_raw_zone_inside_exports(world, tmp_path):
    result = virage(
        "run", "--landing", str(world), "--raw", str(world / "exports" / "raw"),
        "--warehouse", f"sqlite:///{tmp_path}/w.db",
    )  # fmt: skip
    assert_one_clear_line(result, "is inside")


@pytest.mark.parametrize(
    "url",
    ["postgresql://nobody@127.0.0.1:1/none", "notaurl", "sqlite:////nonexistent-dir/deeper/w.db"],
)
def test_unreachable_warehouse(world, url):
    result = virage("run", "--landing", str(world), "--warehouse", url)
    assert_one_clear_line(result, "warehouse")


@pytest.mark.flow
def test_run_then_scores_in_every_format(prefect_api_url, world, warehouse):
    url = warehouse
    env = {"PREFECT_API_URL": prefect_api_url}
    run = virage(
        "run", "--landing", str(world), "--warehouse", url, "--as-of", AS_OF.isoformat(), env=env
    )
    assert run.returncode == 0, run.stderr
    assert f"as of {AS_OF.isoformat()}" in run.stdout
    consenting_count = sum(p["consent"] for p in PERSONAS)
    assert f"scored: {consenting_count} people x 2 campaign(s)" in run.stdout

    consenting = {p["display_name"] for p in PERSONAS if p["consent"]}
    table = virage("scores", "--warehouse", url, env={"COLUMNS": "200"})
    assert table.returncode == 0, table.stderr
    for name in consenting:
        assert name in table.stdout
    assert "Nina Noconsent" not in table.stdout
    assert "velo: influencers" in table.stdout

    rows = json.loads(virage("scores", "--warehouse", url, "--format", "json").stdout)
    assert len(rows) == 2 * len(consenting)
    assert all(0 <= r["score"] <= 100 for r in rows)

    top = list(
        csv.DictReader(
            io.StringIO(
                virage(
                    "scores",
                    "--warehouse",
                    url,
                    "--format",
                    "csv",
                    "--campaign",
                    "velo",
                    "--role",
                    "influencer",
                    "--top",
                    "1",
                ).stdout
            )
        )
    )
    assert [(r["person_id"], r["rank"]) for r in top] == [("micro", "1")]


def test_scores_never_creates_a_warehouse(tmp_path):
    missing = tmp_path / "typo.db"
    assert_one_clear_line(virage("scores", "--warehouse", f"sqlite:///{missing}"), "does not exist")
    assert not missing.exists()
    open_warehouse(f"sqlite:///{tmp_path / 'w.db'}")
    result = virage("scores", "--warehouse", f"sqlite:///{tmp_path / 'w.db'}")
    assert result.returncode == 0
    assert "No scores yet" in result.stdout


@pytest.mark.postgres
def test_a_read_only_bi_role_can_print_the_leaderboard(postgres_url, world):
    import psycopg

    open_warehouse(postgres_url)
    publish_world(world, postgres_url)
    role = "virage_bi_" + postgres_url.rsplit("_", 1)[-1]
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    try:
        as_bi = postgres_url.replace("postgres@", f"{role}@", 1)
        rows = json.loads(virage("scores", "--warehouse", as_bi, "--format", "json").stdout)
        assert {r["person_id"] for r in rows} == {p["person_id"] for p in PERSONAS if p["consent"]}
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
            conn.execute(f"DROP ROLE {role}")


def test_validate_says_what_would_be_quarantined_and_loads_nothing(world, tmp_path):
    bad = world / "exports" / "agency" / "report.posts.csv"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "platform,handle,post_id,posted_at,text,url,impressions,likes,comments,shares,clicks\n"
        "x,@micro,z1,2026-11-19T10:00:00Z,ok,,,5,0,0,\n"
        "x,@micro,z2,2026-11-19T10:00:00Z,ok,,,-5,0,0,\n"
        "x,@micro,z3,2026-11-19T10:00:00Z,ok,,,5,0,0,\n",
        encoding="utf-8",
    )
    (world / "roster.csv").write_text(
        (world / "roster.csv").read_text(encoding="utf-8") + "zed,Zed,astronaut,true,,,,,\n",
        encoding="utf-8",
    )
    before = sorted(p.name for p in world.rglob("*"))
    scratch = tmp_path / "cwd"
    scratch.mkdir()
    result = virage("validate", str(world), "--as-of", AS_OF.isoformat(), cwd=scratch)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "exports/agency/report.posts.csv:2: bad_count: likes is '-5'" in result.stdout
    assert any(line.startswith("roster.csv:") and "unknown_role" in line for line in lines)
    assert lines[-1].endswith("0 would be quarantined whole, 2 row(s) would be quarantined")
    assert sorted(p.name for p in world.rglob("*")) == before  # nothing written
    assert list(scratch.iterdir()) == []

    bad.unlink()
    good = virage("validate", str(world / "exports"), "--as-of", AS_OF.isoformat())
    assert good.returncode == 0, good.stdout
    assert "0 row(s) would be quarantined" in good.stdout


def test_a_run_over_every_kind_of_broken_input_loads_the_good_and_explains_the_bad(
    prefect_api_url, world, tmp_path
):
    from tests.test_quarantine_corpus import FILE_KINDS

    corpus = world / "exports"
    for kind, (name, content, _) in FILE_KINDS.items():
        path = corpus / "broken" / kind / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    header = "platform,handle,post_id,posted_at,text,url,impressions,likes,comments,shares,clicks"
    good = "instagram,micro,{id},2026-11-19T10:00:00Z,bonjour,,,3,1,0,"
    bad_rows = {
        "missing_key": "instagram,micro,,2026-11-19T10:00:00Z,hi,,,1,0,0,",
        "negative": "instagram,micro,bad-neg,2026-11-19T10:00:00Z,hi,,,-5,0,0,",
        "not_integer": "instagram,micro,bad-frac,2026-11-19T10:00:00Z,hi,,,2.5,0,0,",
        "future": "instagram,micro,bad-future,2099-01-01T10:00:00Z,hi,,,1,0,0,",
        "platform": "myspace,micro,bad-platform,2026-11-19T10:00:00Z,hi,,,1,0,0,",
        "too_long": "instagram,micro,bad-long,2026-11-19T10:00:00Z," + "x" * 200_000 + ",,,1,0,0,",
    }
    for kind, row in bad_rows.items():
        lines = [header, good.format(id=f"{kind}-1"), row, good.format(id=f"{kind}-3")]
        (corpus / "broken" / f"{kind}.posts.csv").write_text("\n".join(lines) + "\n")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    run = virage_here(
        "run", "--landing", str(world), "--warehouse", url, "--as-of", AS_OF.isoformat()
    )
    assert run.returncode == 0, run.stderr

    engine = open_warehouse(url)
    with engine.connect() as conn:
        ids = {r[0] for r in conn.exec_driver_sql("SELECT post_id FROM posts").all()}
        found = conn.exec_driver_sql(
            "SELECT source_file, row_number, rule, detail FROM quarantine"
        ).all()
    goods = {f"{kind}-{n}" for kind in bad_rows for n in (1, 3)}
    assert goods <= ids
    assert not {i for i in ids if i.startswith("bad-")}
    whole = {source for source, row, _, _ in found if row is None}
    assert {f"exports/broken/{k}/{name}" for k, (name, _, _) in FILE_KINDS.items()} <= whole
    rows = {(source, row): rule for source, row, rule, _ in found if row is not None}
    for kind in bad_rows:
        assert rows[(f"exports/broken/{kind}.posts.csv", 2)], kind
    assert all(detail and len(detail) > 20 for *_, detail in found)

    docs = virage("docs", "--warehouse", url)
    assert docs.returncode == 0, docs.stderr
    index = Path(docs.stdout.strip())
    assert index.name == "index.html" and index.is_file()
    assert index.is_relative_to(world / "data-docs")


def test_explain_tells_why_in_plain_words(prefect_api_url, world, tmp_path):
    from virage.flows.nightly import nightly_scores

    url = f"sqlite:///{tmp_path / 'w.db'}"
    nightly_scores(landing=str(world), warehouse_url=url, as_of=AS_OF)
    result = virage(
        "explain", "micro", "--campaign", "velo", "--warehouse", url, "--landing", str(world)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Micro Cyclist (influencer), campaign velo")
    assert lines[1].startswith("  why: often on this campaign's topic")
    assert "posts that weighed most on topic:" in result.stdout
    assert "most engaging posts:" in result.stdout
    paid = virage("explain", "paid", "--warehouse", url, "--landing", str(world))
    assert paid.stdout.count("campaign ") == 2  # every campaign when none is given
    assert "80% of posts sponsored" in paid.stdout
    assert_one_clear_line(virage("explain", "nobody", "--warehouse", url), "no published score")
