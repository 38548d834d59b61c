"""Expectation suites as data, derived from the canonical frames.

The same field rules drive the pandas quarantine mask (tasks/validate.py) and the
Great Expectations suite that records what was checked, so the two cannot drift.
"""

from __future__ import annotations

from virage.schemas.fields import Frame


def expectations_for(frame: Frame, columns: list[str] | None = None) -> list[dict]:
    """GX expectation configurations (type and kwargs) for a frame's field rules,
    restricted to `columns` when given."""
    present = set(columns) if columns is not None else set(frame.columns)
    suite: list[dict] = []
    for f in frame.fields:
        if f.name not in present:
            continue
        if not f.nullable:
            suite.append(
                {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": f.name}}
            )
        if f.allowed:
            suite.append(
                {
                    "type": "expect_column_values_to_be_in_set",
                    "kwargs": {"column": f.name, "value_set": list(f.allowed)},
                }
            )
        if f.min_value is not None or f.max_value is not None:
            bounds = {"min_value": f.min_value, "max_value": f.max_value}
            suite.append(
                {
                    "type": "expect_column_values_to_be_between",
                    "kwargs": {
                        "column": f.name,
                        **{k: v for k, v in bounds.items() if v is not None},
                    },
                }
            )
    return suite
