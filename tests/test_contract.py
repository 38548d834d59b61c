"""The documented contracts are the ones the code builds."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from virage.schemas.contract import END, START, render_contract
from virage.schemas.fields import PIPELINE_RUNS, POSTS, QUARANTINE, SCORES
from virage.warehouse import open_warehouse

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_contract_is_current():
    readme = README.read_text(encoding="utf-8")
    documented = readme.split(START, 1)[1].split(END, 1)[0].strip()
    assert documented == render_contract().strip(), "run `make docs`"


def test_warehouse_has_the_contract_tables_and_view(warehouse):
    engine = open_warehouse(warehouse)
    inspector = inspect(engine)
    for frame in (SCORES, POSTS, QUARANTINE, PIPELINE_RUNS):
        assert [c["name"] for c in inspector.get_columns(frame.name)] == frame.columns
    view = [c["name"] for c in inspector.get_columns("current_influence_scores")]
    assert view == SCORES.columns
    assert "current_influence_scores" in inspector.get_view_names()
    open_warehouse(warehouse)  # a second run on an existing warehouse changes nothing
    assert [c["name"] for c in inspect(engine).get_columns("posts")] == POSTS.columns
