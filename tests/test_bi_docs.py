"""docs/bi.md shows what its ten queries return on the demo data, and the queries run
on PostgreSQL too, as the read-only BI role, with the same answers."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy import select

from virage.bi import grant_bi
from virage.bi_examples import BI_DOC, END, EXAMPLES, START, answer, build_demo_warehouse, render
from virage.schemas.warehouse import metadata
from virage.warehouse import make_engine, open_warehouse


@pytest.fixture(scope="module")
def demo(prefect_api_url, tmp_path_factory):
    """The demo warehouse as the page describes it (SQLite), and the queries' answers."""
    engine = make_engine(build_demo_warehouse(tmp_path_factory.mktemp("bi-demo")))
    return engine, [answer(engine, example) for example in EXAMPLES]


@pytest.mark.flow
def test_the_page_shows_what_the_queries_return(demo):
    _, answers = demo
    assert len(EXAMPLES) == 10
    assert all(rows for _, rows in answers), "every question has an answer on the demo data"
    page = BI_DOC.read_text(encoding="utf-8")
    shown = page.split(START, 1)[1].split(END, 1)[0].strip()
    assert shown == render(answers).strip(), "run `make docs`"


@pytest.mark.flow
@pytest.mark.postgres
def test_the_queries_give_the_same_answers_on_postgresql_as_the_bi_role(demo, postgres_url):
    sqlite, answers = demo
    target = open_warehouse(postgres_url)
    with sqlite.connect() as source, target.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
        for table in metadata.sorted_tables:
            rows = [row._asdict() for row in source.execute(select(table))]
            if rows:
                conn.execute(table.insert(), rows)
    role = f"bi_{uuid.uuid4().hex[:10]}"
    grant_bi(target, role, login=True)
    try:
        reader = make_engine(postgres_url.replace("://postgres@", f"://{role}@", 1))
        assert [answer(reader, example) for example in EXAMPLES] == answers
        reader.dispose()
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP OWNED BY "{role}"')
            conn.execute(f'DROP ROLE "{role}"')
