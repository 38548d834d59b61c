"""Ten questions a marketing team asks of the warehouse, answered on the demo data.

docs/bi.md shows each question's SQL and its result between markers;
`python -m virage.bi_examples` (part of `make docs`) builds the demo warehouse in a
temporary folder, runs the queries and rewrites that section, and a test checks that
the page shows exactly what the queries return (and that they run on PostgreSQL too).
The queries read only the BI views and stick to SQL that SQLite and PostgreSQL share
(ROUND takes a NUMERIC in PostgreSQL, hence the CASTs).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, text

ROOT = Path(__file__).resolve().parents[1]
DEMO_LANDING = ROOT / "examples" / "landing"
BI_DOC = ROOT / "docs" / "bi.md"
START, END = "<!-- bi-examples:start -->", "<!-- bi-examples:end -->"

EXPORTED_AT = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)
"""When the demo exports were taken (examples/generate_landing.py stamps every file
with it; a git checkout does not keep modification times, and virage dates a native
export's follower count by its file's)."""

NIGHT = dt.date(2026, 11, 20)
"""The day `make demo` scores."""
RESCORED = (dt.date(2026, 11, 13), dt.date(2026, 10, 21))
"""Days recomputed afterwards from the same warehouse, so that the trend view has a
snapshot a week and a month before."""


@dataclass(frozen=True)
class Example:
    question: str
    sql: str
    note: str = ""


EXAMPLES: tuple[Example, ...] = (
    Example(
        "Who are the top three ambassadors of each campaign?",
        """
SELECT campaign_name, rank, display_name, department, ROUND(CAST(score AS NUMERIC), 1) AS score
FROM ambassador_leaderboard
WHERE rank <= 3
ORDER BY campaign_name, rank""",
    ),
    Example(
        "Who are the top three influencers of each campaign, and how big and genuine "
        "is their audience?",
        """
SELECT campaign_name, rank, display_name, tier,
       ROUND(CAST(score AS NUMERIC), 1) AS score,
       ROUND(CAST(audience_quality AS NUMERIC), 1) AS audience_quality
FROM influencer_leaderboard
WHERE rank <= 3
ORDER BY campaign_name, rank""",
    ),
    Example(
        "Who climbed the most places in a week (latest day)?",
        """
SELECT campaign_id, role, display_name, rank, rank_change_7d,
       ROUND(CAST(score_change_7d AS NUMERIC), 1) AS score_change_7d
FROM influence_score_trend
WHERE as_of_date = (SELECT MAX(as_of_date) FROM influence_score_trend)
  AND rank_change_7d IS NOT NULL
ORDER BY rank_change_7d DESC, score_change_7d DESC, person_id, campaign_id
LIMIT 5""",
    ),
    Example(
        "Whose score fell the most over the last 30 days?",
        """
SELECT campaign_id, role, display_name, rank,
       ROUND(CAST(score_change_30d AS NUMERIC), 1) AS score_change_30d
FROM influence_score_trend
WHERE as_of_date = (SELECT MAX(as_of_date) FROM influence_score_trend)
  AND score_change_30d IS NOT NULL
ORDER BY score_change_30d, person_id, campaign_id
LIMIT 5""",
    ),
    Example(
        "How many people does each campaign score, how many posted, and what audience "
        "can they reach, day by day?",
        """
SELECT as_of_date, campaign_name, people_scored, people_with_posts, follower_reach
FROM campaign_summary
ORDER BY campaign_name, as_of_date""",
    ),
    Example(
        "What share of the posts is sponsored, per campaign and role (latest day)?",
        """
SELECT campaign_id, role, SUM(posts_considered) AS posts,
       ROUND(CAST(SUM(sponsored_share * posts_considered) / SUM(posts_considered)
                  AS NUMERIC), 3) AS sponsored_share
FROM current_influence_scores
GROUP BY campaign_id, role
ORDER BY campaign_id, role""",
        "The share is weighted by posts, as in campaign_summary. posts_considered counts "
        "every post a person published in the 90-day window, whatever its topic, so "
        "campaigns that score the same people show the same figures.",
    ),
    Example(
        "Which departments' ambassadors are the most active (one campaign, latest day)?",
        """
SELECT COALESCE(department, '(none)') AS department, COUNT(*) AS ambassadors,
       SUM(posts_considered) AS posts,
       ROUND(CAST(AVG(score) AS NUMERIC), 1) AS average_score,
       MIN(rank) AS best_rank
FROM ambassador_leaderboard
WHERE campaign_id = 'velo-urbain'
GROUP BY COALESCE(department, '(none)')
ORDER BY posts DESC, department""",
    ),
    Example(
        "Which influencers show signs of a bought or inactive audience?",
        """
SELECT display_name, tier, ROUND(CAST(audience_quality AS NUMERIC), 1) AS audience_quality,
       ROUND(CAST(reach AS NUMERIC), 1) AS reach, rank
FROM influencer_leaderboard
WHERE campaign_id = 'velo-urbain' AND audience_quality < 80
ORDER BY audience_quality, person_id""",
    ),
    Example(
        "Which ambassadors carry the brand's own content the most (one campaign)?",
        """
SELECT display_name, department, ROUND(CAST(advocacy AS NUMERIC), 1) AS advocacy, rank
FROM ambassador_leaderboard
WHERE campaign_id = 'velo-urbain'
ORDER BY advocacy DESC, person_id
LIMIT 5""",
    ),
    Example(
        "Which influencers lean on sponsored posts, and what does it cost their credibility?",
        """
SELECT display_name, tier, ROUND(CAST(sponsored_share AS NUMERIC), 2) AS sponsored_share,
       ROUND(CAST(credibility AS NUMERIC), 1) AS credibility,
       ROUND(CAST(relevance AS NUMERIC), 1) AS relevance, rank
FROM influencer_leaderboard
WHERE campaign_id = 'velo-urbain' AND sponsored_share > 0
ORDER BY sponsored_share DESC, person_id""",
    ),
)


def build_demo_warehouse(workdir: Path) -> str:
    """The demo warehouse in `workdir`: a copy of examples/landing stamped with its
    export time, the nightly run of NIGHT, then the RESCORED days (in this process;
    Prefect uses PREFECT_API_URL, else a temporary local server). Its SQLite URL."""
    from virage.flows.nightly import nightly_scores
    from virage.flows.rescore import rescore_day

    landing = workdir / "landing"
    shutil.copytree(DEMO_LANDING, landing)
    stamp = EXPORTED_AT.timestamp()
    for path in landing.rglob("*"):
        if path.is_file():
            os.utime(path, (stamp, stamp))
    url = f"sqlite:///{workdir / 'warehouse.db'}"
    nightly_scores(landing=str(landing), warehouse_url=url, as_of=NIGHT)
    for day in RESCORED:
        rescore_day(as_of=day, landing=str(landing), warehouse_url=url)
    return url


def answer(engine: Engine, example: Example) -> tuple[list[str], list[list[str]]]:
    """The example's column names and its rows as the page shows them."""
    with engine.connect() as conn:
        result = conn.execute(text(example.sql))
        return list(result.keys()), [[cell(v) for v in row] for row in result]


def cell(value: object) -> str:
    """A value as both dialects' drivers agree on it: numbers without trailing zeros,
    dates as ISO text, NULL spelled out."""
    if value is None:
        return "NULL"
    if isinstance(value, float | Decimal):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def render(answers: list[tuple[list[str], list[list[str]]]]) -> str:
    parts = [
        f"Data: the demo landing zone (`examples/landing`), scored for {NIGHT} as "
        f"`make demo` does, then {' and '.join(str(d) for d in RESCORED)} recomputed with "
        "`virage rescore` so that the trend has history. Regenerated by `make docs`."
    ]
    for number, (example, (columns, rows)) in enumerate(zip(EXAMPLES, answers, strict=True), 1):
        table = [
            "| " + " | ".join(columns) + " |",
            "|" + "---|" * len(columns),
            *("| " + " | ".join(row) + " |" for row in rows),
        ]
        parts += [
            f"### {number}. {example.question}",
            f"```sql\n{example.sql.strip()};\n```",
            *([example.note] if example.note else []),
            "\n".join(table) if rows else "(no rows)",
        ]
    return "\n\n".join(parts)


def splice(document: str, section: str) -> str:
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(document):
        raise ValueError(f"{BI_DOC} lacks the markers {START} ... {END}")
    return pattern.sub(lambda _: f"{START}\n{section}\n{END}", document)


def main(doc: Path = BI_DOC) -> None:
    from virage.cli import _QUIET_DEFAULTS
    from virage.warehouse import make_engine

    for name, value in _QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
    with tempfile.TemporaryDirectory(prefix="virage-bi-examples-") as workdir:
        engine = make_engine(build_demo_warehouse(Path(workdir)))
        section = render([answer(engine, example) for example in EXAMPLES])
        engine.dispose()
    doc.write_text(splice(doc.read_text(encoding="utf-8"), section), encoding="utf-8")


if __name__ == "__main__":
    main()
