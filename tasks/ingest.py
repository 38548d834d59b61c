"""Discover and parse the exchange-format files under the landing zone's exports/.

A parser is `path -> DataFrame` of raw text columns named as the canonical frame;
typing and row rules happen once, in tasks/validate.py.
"""

from __future__ import annotations

import csv
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from virage.errors import FileRejected
from virage.schemas.fields import ACCOUNTS, POSTS, Frame

KINDS: dict[str, Frame] = {"posts": POSTS, "accounts": ACCOUNTS}
"""File kind (the suffix before .csv) to the canonical frame it feeds."""

OPTIONAL_COLUMNS = {"posts": {"is_sponsored": "declared_sponsored"}}
"""Exchange columns a tool may add, by kind, and the raw column each becomes: the
export's own sponsored flag, combined later with the disclosure markers in the text."""

FILE_COLUMNS = ["path", "source_file", "kind", "size", "mtime"]


def discover_exports(exports_dir: Path, relative_to: Path) -> pd.DataFrame:
    """Every file under `exports_dir` (hidden files excepted), with its kind
    ("posts", "accounts", or "" when the format is not recognised), size and
    modification time; oldest first, so later copies of a post win."""
    rows = []
    if exports_dir.is_dir():
        for root, dirs, names in os.walk(exports_dir):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    continue
                path = Path(root) / name
                try:
                    stat = path.stat()
                except OSError:  # a broken link: listed, then rejected when read
                    stat = os.stat_result((0,) * 10)
                rows.append(
                    (
                        str(path),
                        path.relative_to(relative_to).as_posix(),
                        _kind_of(name),
                        stat.st_size,
                        stat.st_mtime,
                    )
                )
    files = pd.DataFrame(rows, columns=FILE_COLUMNS)
    return files.sort_values(["mtime", "source_file"], kind="stable").reset_index(drop=True)


def _kind_of(name: str) -> str:
    lowered = name.lower()
    return next((k for k in KINDS if lowered.endswith(f".{k}.csv")), "")


def read_csv_text(path: Path) -> pd.DataFrame:
    """Every column of a UTF-8 CSV as text, header names trimmed and lower-cased;
    blank header names (trailing commas) dropped. Raises FileRejected when the file
    cannot be read as a whole, including a row with more fields than the header,
    which would otherwise be read shifted or cut."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            # pandas skips blank lines before the header too.
            header = next((row for row in csv.reader(handle) if any(c.strip() for c in row)), None)
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            raw = pd.read_csv(
                path,
                encoding="utf-8-sig",
                dtype="str",
                keep_default_na=False,
                na_filter=False,
                index_col=False,
            )
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "not_utf8",
            f"not UTF-8 text ({exc.reason} at byte {exc.start}); re-export the file as UTF-8",
        ) from None
    except pd.errors.EmptyDataError:
        raise FileRejected("empty_file", "the file is empty; expected a header and rows") from None
    except pd.errors.ParserWarning:
        raise FileRejected(
            "unreadable_csv",
            "the first row has more fields than the header; quote values that contain commas",
        ) from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        reason = (
            f"line {found[2]} has {found[3]} fields but the header has {found[1]}; quote "
            "values that contain commas"
            if found
            else _last_line(exc)
        )
        raise FileRejected("unreadable_csv", f"cannot be read as CSV: {reason}") from None
    except (OSError, csv.Error, ValueError) as exc:
        raise FileRejected("unreadable_file", f"cannot be read: {_last_line(exc)}") from None
    names = [h.strip().lower() for h in header or []]
    if len(names) != len(raw.columns):
        raise FileRejected("unreadable_csv", "the header line cannot be told apart from the rows")
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise FileRejected(
            "duplicate_columns", f"column(s) {', '.join(repeated)} appear twice in the header"
        )
    raw.columns = names
    raw = raw.loc[:, [n != "" for n in names]]
    if _has_nul(path):  # PostgreSQL cannot store NUL characters; they carry no meaning
        raw = raw.apply(lambda column: column.str.replace("\x00", "", regex=False))
    return raw


def _has_nul(path: Path) -> bool:
    with open(path, "rb") as handle:
        return any(b"\x00" in block for block in iter(lambda: handle.read(1 << 20), b""))


def _last_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[-1]


def read_exchange_csv(path: Path, frame: Frame) -> pd.DataFrame:
    """Read one exchange CSV into text columns named as `frame` (plus
    `declared_sponsored` from an optional `is_sponsored` column) and `row_number`
    (1-based data record). Raises FileRejected when the file as a whole is unusable."""
    raw = read_csv_text(path)
    expected = frame.exchange_header
    missing = [c for c in expected if c not in raw.columns]
    if missing:
        raise FileRejected(
            "missing_columns",
            f"missing column(s) {', '.join(missing)}; the header must include {','.join(expected)}",
        )
    if raw.empty:
        raise FileRejected("empty_file", "the file has a header but no rows")
    optional = {k: v for k, v in OPTIONAL_COLUMNS.get(frame.name, {}).items() if k in raw}
    raw = raw[expected + list(optional)].rename(columns=optional)
    raw["row_number"] = np.arange(1, len(raw) + 1)
    return raw


@dataclass
class Parsed:
    """Raw rows of every readable file, by kind, and the files rejected whole."""

    frames: dict[str, pd.DataFrame]
    rejected_files: pd.DataFrame
    files_loaded: int


def parse_exports(files: pd.DataFrame) -> Parsed:
    """Parse every discovered file; a file that cannot be read is rejected with a
    reason and the others go on."""
    parts: dict[str, list[pd.DataFrame]] = {kind: [] for kind in KINDS}
    rejected = []
    for path, source_file, kind, mtime in files[
        ["path", "source_file", "kind", "mtime"]
    ].itertuples(index=False):
        if not kind:
            rejected.append(
                (
                    source_file,
                    "unrecognised_file",
                    "not a recognised export: exchange files end in .posts.csv or .accounts.csv",
                )
            )
            continue
        try:
            raw = read_exchange_csv(Path(path), KINDS[kind])
        except FileRejected as exc:
            rejected.append((source_file, exc.rule, exc.detail))
            continue
        parts[kind].append(raw.assign(source_file=source_file, source_mtime=mtime))
    frames = {
        kind: pd.concat(chunks, ignore_index=True) if chunks else _empty_raw(KINDS[kind])
        for kind, chunks in parts.items()
    }
    rejected_files = pd.DataFrame(rejected, columns=["source_file", "rule", "detail"])
    loaded = sum(len(chunks) for chunks in parts.values())
    return Parsed(frames, rejected_files, loaded)


def _empty_raw(frame: Frame) -> pd.DataFrame:
    columns = [*frame.exchange_header, "row_number", "source_file", "source_mtime"]
    return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
