"""The warehouse and landing contracts as Markdown, rendered from the schemas.

README.md carries this text between markers; `make docs` rewrites it and a test
checks that it is current, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import re
from pathlib import Path

from virage.schemas.fields import (
    ACCOUNTS,
    INGESTED_FILES,
    PIPELINE_RUNS,
    POSTS,
    QUARANTINE,
    SCORES,
    VALIDATION_RESULTS,
    Frame,
)
from virage.schemas.views import VIEWS, View, bi_grants, view_tables
from virage.schemas.warehouse import metadata

START, END = "<!-- contract:start -->", "<!-- contract:end -->"


def _frame_table(frame: Frame) -> str:
    table = metadata.tables[frame.name]
    lines = [
        f"**`{frame.name}`**: {frame.grain}."
        + (f" Key: `({', '.join(frame.key)})`." if frame.key else ""),
        "",
        "| column | type | null | meaning |",
        "|---|---|---|---|",
    ]
    for f in frame.fields:
        sql_type = str(table.c[f.name].type).split("(")[0]
        lines.append(f"| `{f.name}` | {sql_type} | {'yes' if f.nullable else 'no'} | {f.doc} |")
    return "\n".join(lines)


def _view_table(view: View) -> str:
    lines = [
        f"**`{view.name}`** (view): {view.grain}.",
        "",
        "| column | type | meaning |",
        "|---|---|---|",
    ]
    for column in view_tables[view.name].columns:
        sql_type = str(column.type).split("(")[0]
        lines.append(f"| `{column.name}` | {sql_type} | {column.comment} |")
    return "\n".join(lines)


def _grants_table() -> str:
    lines = [
        f"**`{bi_grants.name}`**: {bi_grants.comment}.",
        "",
        "| column | meaning |",
        "|---|---|",
    ]
    lines += [f"| `{c.name}` | {c.comment} |" for c in bi_grants.columns]
    return "\n".join(lines)


def render_contract() -> str:
    """The contract section of README.md."""
    parts = [
        _frame_table(f)
        for f in (
            SCORES,
            POSTS,
            ACCOUNTS,
            INGESTED_FILES,
            QUARANTINE,
            VALIDATION_RESULTS,
            PIPELINE_RUNS,
        )
    ]
    views = [_view_table(view) for view in VIEWS.values()]
    exchange = [
        "Exchange files (header row, UTF-8, any extra columns ignored):",
        "",
        f"- `*.posts.csv`: `{','.join(POSTS.exchange_header)}` (optional `is_sponsored`: "
        "true, 1 or yes marks the post sponsored; any other value leaves it to the "
        "disclosure markers in the text)",
        f"- `*.accounts.csv`: `{','.join(ACCOUNTS.exchange_header)}`",
    ]
    return "\n\n".join([*parts, _grants_table(), *views, "\n".join(exchange)])


def splice(readme: str, contract: str) -> str:
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: f"{START}\n{contract}\n{END}", readme)


def main(readme: Path = Path("README.md")) -> None:
    readme.write_text(
        splice(readme.read_text(encoding="utf-8"), render_contract()), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
