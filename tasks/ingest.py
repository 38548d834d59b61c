"""Discover, fingerprint, archive and parse the files under the landing zone's exports/.

A parser is `path -> DataFrame` of raw text columns named as the canonical frame;
typing and row rules happen once, in tasks/validate.py.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import lzma
import os
import re
import stat
import zipfile
import zlib
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from virage.errors import FileRejected
from virage.memory import empty_like
from virage.schemas.fields import ACCOUNTS, INGESTED_FILES, POSTS, Frame
from virage.tasks import formats
from virage.tasks.ledger import FOLLOWER_LISTS

log = logging.getLogger(__name__)

KINDS: dict[str, Frame] = {"posts": POSTS, "accounts": ACCOUNTS}
"""What an export feeds: raw rows for the canonical posts and accounts frames."""

EXCHANGE_FORMATS: dict[str, Frame] = {"exchange_posts": POSTS, "exchange_accounts": ACCOUNTS}
"""The platform-neutral exchange CSVs (name ending .posts.csv or .accounts.csv)."""

OPTIONAL_COLUMNS = {"posts": {"is_sponsored": "declared_sponsored"}}
"""Exchange columns a tool may add, by kind, and the raw column each becomes: the
export's own sponsored flag, combined later with the disclosure markers in the text."""

FILE_COLUMNS = ["path", "source_file", "format", "size", "mtime", "sha256"]

MAX_ARCHIVE_ENTRIES = 100_000
MAX_ARCHIVE_BYTES = 8 * 1024**3
"""Caps on a zip archive's entries and total uncompressed size: an X archive with its
media runs to a few GB; a zip bomb claims far more."""

_HEAD_BYTES = 4096


def discover_exports(exports_dir: Path, relative_to: Path) -> pd.DataFrame:
    """Every file under `exports_dir` (hidden files and folders excepted) with its
    format (see formats.recognise), size, modification time and SHA-256; oldest
    first, so later copies of a post win."""
    paths = []
    if exports_dir.is_dir():
        for root, dirs, names in os.walk(exports_dir):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            paths += [Path(root) / name for name in sorted(names) if not name.startswith(".")]
    return describe_files(paths, relative_to)


def describe_files(paths: list[Path], relative_to: Path) -> pd.DataFrame:
    """The files frame (FILE_COLUMNS) of the given files, oldest first. A link, or a
    name that is not UTF-8, is listed to be rejected with its reason."""
    rows = []
    for path in paths:
        relative = path.relative_to(relative_to).as_posix()
        try:
            relative.encode("utf-8")
        except UnicodeEncodeError:
            shown = relative.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            rows.append(("", shown, "bad_name", 0, 0.0, ""))
            continue
        if path.is_symlink():
            rows.append((str(path), relative, "link", 0, 0.0, ""))
            continue
        rows.append((str(path), relative, *_fingerprint(path)))
    files = pd.DataFrame(rows, columns=FILE_COLUMNS)
    return files.sort_values(["mtime", "source_file"], kind="stable").reset_index(drop=True)


def _fingerprint(path: Path) -> tuple[str, int, float, str]:
    """(format, size, mtime, sha256); a file that cannot be read gets an empty
    format and digest, and is rejected with its reason when parsed."""
    try:
        info = path.stat()
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
            handle.seek(0)
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return "", 0, 0.0, ""
    return formats.recognise(path.name, head), info.st_size, info.st_mtime, digest


def raw_copy_path(raw_dir: Path, sha256: str) -> Path:
    """Where the raw zone keeps a file: named by its content."""
    return raw_dir / sha256[:2] / sha256


def archive_raw(files: pd.DataFrame, raw_dir: Path) -> pd.DataFrame:
    """Copy every readable file into the raw zone, content-addressed, before it is
    parsed, and return the files whose copy matches the digest taken at discovery: a
    file rewritten in between is left for the next night (its copy would not match
    its name). A copy appears whole or not at all."""
    changed = []
    readable = files[files["sha256"] != ""]
    for path, sha256 in readable[["path", "sha256"]].itertuples(index=False):
        target = raw_copy_path(raw_dir, sha256)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{sha256}.{os.getpid()}.partial")
        with open(path, "rb") as source, open(partial, "wb") as copy:
            digest = hashlib.sha256()
            for block in iter(lambda: source.read(1 << 20), b""):
                digest.update(block)
                copy.write(block)
        if digest.hexdigest() != sha256:
            partial.unlink()
            changed.append(path)
            continue
        os.replace(partial, target)
    if changed:
        log.warning("%d file(s) changed while being read, left for the next night", len(changed))
    return files[~files["path"].isin(changed)].reset_index(drop=True)


def read_csv_text(path: Path) -> pd.DataFrame:
    """Every column of a UTF-8 CSV as text, header names trimmed and lower-cased;
    blank header names (trailing commas) dropped. Raises FileRejected when the file
    cannot be read as a whole, including a row with more fields than the header,
    which would otherwise be read shifted or cut."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            # pandas skips blank lines before the header too.
            header = next((row for row in csv.reader(handle) if any(c.strip() for c in row)), None)
        raw = formats.strict_read_csv(Path(path))
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "not_utf8",
            f"not UTF-8 text ({exc.reason} at byte {exc.start}); re-export the file as UTF-8",
        ) from None
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


LEDGER_COLUMNS = [
    c
    for c in INGESTED_FILES.columns
    if c not in ("first_seen_run_id", "first_seen_at", "readers_version")
]
"""What parsing records of each file; the publisher stamps the run and version."""


@dataclass
class Parsed:
    """Raw rows of every readable file, by kind; the files (or archive entries)
    rejected whole; and one ledger row per file read."""

    frames: dict[str, pd.DataFrame]
    rejected_files: pd.DataFrame
    ledger: pd.DataFrame
    released_rows: int | None = None
    """Rows the frames held before `without_rows` emptied them."""

    @property
    def files_loaded(self) -> int:
        return int((self.ledger["status"] == "loaded").sum())

    @property
    def rows_read(self) -> int:
        if self.released_rows is not None:
            return self.released_rows
        return sum(len(frame) for frame in self.frames.values())

    def without_rows(self) -> Parsed:
        """The same parse with empty frames (their columns kept): once the rows are
        checked, their typed copies carry on, and a million raw rows are about 500 MB
        the night no longer needs."""
        empty = {kind: empty_like(frame) for kind, frame in self.frames.items()}
        return replace(self, frames=empty, released_rows=self.rows_read)


@dataclass
class _Night:
    """What parsing has gathered so far."""

    parts: dict[str, list[pd.DataFrame]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS}
    )
    rejected: list[tuple[str, str, str]] = field(default_factory=list)
    ledger: list[tuple] = field(default_factory=list)
    origins: dict[str, list[tuple[str, str, str]]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS}
    )
    """Per part: source_file, source_sha256 and observed_at of its rows."""

    def add(self, kind: str, raw: pd.DataFrame, source_file: str, file: _File) -> None:
        if not raw.empty:
            self.parts[kind].append(raw)
            self.origins[kind].append((source_file, file.sha256, file.observed_at))

    def frame(self, kind: str) -> pd.DataFrame:
        """The kind's rows of every file, with the provenance columns."""
        chunks = self.parts[kind]
        if not chunks:
            return _empty_raw(KINDS[kind])
        rows = pd.concat(chunks, ignore_index=True)
        lengths = [len(chunk) for chunk in chunks]
        origins = zip(*self.origins[kind], strict=True)
        for name, per_part in zip(PROVENANCE_COLUMNS, origins, strict=True):
            rows[name] = _per_part_column(per_part, lengths)
        return rows


PROVENANCE_COLUMNS = ("source_file", "source_sha256", "observed_at")
"""Columns every row of a file shares: categoricals (a code per row, each file's value
once), not a string per row (a million posts carried 170 MB of them, twice)."""


def _per_part_column(values: tuple[str, ...], lengths: list[int]) -> pd.Series:
    """`values[i]` repeated `lengths[i]` times, as a categorical whose categories are
    in sorted order (sorting it sorts as the strings would)."""
    # A missing value (a file with no SHA-256) gets code -1: missing in the column.
    codes, categories = pd.factorize(pd.Series(values, dtype="str"), sort=True)
    return pd.Series(pd.Categorical.from_codes(np.repeat(codes, lengths), categories))


@dataclass(frozen=True)
class _File:
    path: Path
    source_file: str
    format: str
    size: int
    mtime: float
    sha256: str

    @property
    def observed_at(self) -> str:
        return pd.Timestamp(self.mtime, unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")

    def origin(self, name: str) -> formats.Origin:
        platform, handle = formats.owner_from_path(PurePosixPath(self.source_file))
        day = pd.Timestamp(self.mtime, unit="s", tz="UTC").strftime("%Y-%m-%d")
        return formats.Origin(name, platform, handle, day)


def parse_exports(files: pd.DataFrame) -> Parsed:
    """Parse every file given (see discover_exports); a file that cannot be read is
    rejected with a reason and the others go on."""
    night = _Night()
    for row in files[FILE_COLUMNS].itertuples(index=False):
        file = _File(Path(row.path), row.source_file, row.format, row.size, row.mtime, row.sha256)
        status, detail = "loaded", None
        try:
            loaded = _parse_file(file, night)
            if not loaded:
                status, detail = "ignored", "part of a platform archive that virage does not read"
        except FileRejected as exc:
            night.rejected.append((file.source_file, exc.rule, exc.detail))
            status, detail = "quarantined", exc.detail
        except Exception as exc:  # a reader's bug must not stop the night
            rule, detail = _reader_error(exc)
            night.rejected.append((file.source_file, rule, detail))
            status = "quarantined"
        if file.sha256:
            night.ledger.append(
                (
                    file.sha256,
                    file.source_file,
                    file.size,
                    file.format or "unknown",
                    status,
                    detail,
                    pd.Timestamp(file.mtime, unit="s", tz="UTC"),
                )
            )
    frames = {kind: night.frame(kind) for kind in night.parts}
    frames["accounts"] = _sum_follower_parts(frames["accounts"])
    return Parsed(
        frames,
        pd.DataFrame(night.rejected, columns=["source_file", "rule", "detail"]),
        pd.DataFrame(night.ledger, columns=LEDGER_COLUMNS),
    )


def hold_back(ledger: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """The ledger with every file that `records` (source_file, detail) hold back
    marked quarantined, so that it is read again next night. An archive entry
    (`archive.zip!entry`) holds its whole archive back."""
    if records.empty:
        return ledger
    archive = records["source_file"].str.split("!", n=1).str[0]
    entry = records["source_file"].str.contains("!", regex=False)
    detail = (
        records.assign(archive=archive)
        .assign(
            detail=records["detail"].where(
                ~entry, records["source_file"] + ": " + records["detail"]
            )
        )
        .groupby("archive", sort=False)["detail"]
        .first()
    )
    held = ledger["source_path"].isin(detail.index)
    return ledger.assign(
        status=ledger["status"].where(~held, "quarantined"),
        detail=ledger["detail"].where(~held, ledger["source_path"].map(detail)),
    )


def _parse_file(file: _File, night: _Night) -> bool:
    """Parse one file into `night`; False when it carries nothing virage reads."""
    if file.format == "link":
        raise FileRejected(
            "link", "a link: virage does not follow links in exports/; copy the file itself"
        )
    if file.format == "bad_name":
        raise FileRejected("bad_file_name", "the file's name is not UTF-8: rename it")
    if not file.sha256:
        raise FileRejected("unreadable_file", "cannot be read (no permission, or it vanished)")
    if file.format == "ignored":
        return False
    if file.format in EXCHANGE_FORMATS:
        if file.size > max_file_bytes():
            raise _too_large(file.size)
        frame = EXCHANGE_FORMATS[file.format]
        night.add(frame.name, read_exchange_csv(file.path, frame), file.source_file, file)
        return True
    if file.format == "zip":
        return _parse_zip(file, night)
    if file.format in formats.PARSERS:
        own = _sibling_x_handle(file.path) if file.format.startswith("x_") else None
        if file.size > max_file_bytes():
            raise _too_large(file.size)
        export = _parse_native(
            file.format, file.path.read_bytes(), file.origin(file.path.name), own
        )
        bundle = str(PurePosixPath(file.source_file).parent)
        _add_export(night, export, file.source_file, file, file.format, bundle)
        return True
    raise FileRejected(
        "unrecognised_file",
        "not an export virage recognises: see docs/formats.md for the platform exports "
        "read, or name exchange files *.posts.csv / *.accounts.csv",
    )


def _add_export(
    night: _Night, export: formats.Export, source_file: str, file: _File, fmt: str, bundle: str
) -> None:
    night.add("posts", export.posts, source_file, file)
    accounts = export.accounts
    if fmt in FOLLOWER_LISTS and not accounts.empty:
        accounts = accounts.assign(list_bundle=bundle)
    night.add("accounts", accounts, source_file, file)


def _parse_native(
    fmt: str, data: bytes, origin: formats.Origin, own: str | None = None
) -> formats.Export:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "not_utf8", f"not UTF-8 text ({exc.reason} at byte {exc.start}); re-export the file"
        ) from None
    try:
        return formats.PARSERS[fmt][1](text.replace("\x00", ""), origin, own)
    except RecursionError:
        # Hostile or broken input, not a reader's bug: no export nests hundreds deep.
        raise FileRejected(
            "unreadable_json", "nested too deeply to be a platform export; export it again"
        ) from None


def _sibling_x_handle(path: Path) -> str | None:
    """The username in the account.js next to an X archive file, if there is one."""
    account = path.with_name("account.js")
    try:
        return formats.x_account_handle(account.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, FileRejected):
        return None


def check_archive(members: list[zipfile.ZipInfo], max_entries: int, max_bytes: int) -> None:
    """FileRejected unless every entry would stay inside a scratch folder if extracted
    (no absolute paths, no '..', no links) and the archive stays within the caps."""
    if len(members) > max_entries:
        raise FileRejected(
            "archive_too_large", f"{len(members):,} entries; virage reads at most {max_entries:,}"
        )
    total = sum(m.file_size for m in members)
    if total > max_bytes:
        raise FileRejected(
            "archive_too_large",
            f"{total:,} bytes uncompressed; virage reads at most {max_bytes:,}",
        )
    for member in members:
        name = member.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
            raise FileRejected(
                "unsafe_archive", f"entry {member.filename!r} points outside the archive"
            )
        if stat.S_ISLNK(member.external_attr >> 16):
            raise FileRejected("unsafe_archive", f"entry {member.filename!r} is a link")
        if member.flag_bits & 0x1:
            raise FileRejected(
                "unreadable_zip", f"entry {member.filename!r} is encrypted; export it unencrypted"
            )


_ENTRY_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,  # deflate
    lzma.LZMAError,  # lzma; bzip2 raises OSError
    EOFError,
    OSError,
    NotImplementedError,  # a compression method or zip feature zipfile does not read
    UnicodeDecodeError,  # a local header's name flagged UTF-8 that is not
)
"""What reading a damaged zip entry raises: the entry is rejected, the others go on."""

_ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    NotImplementedError,  # "zip file version 6.4": a damaged version field
    UnicodeDecodeError,  # an entry name flagged UTF-8 that is not
)
"""What opening a damaged zip archive raises: the archive is rejected whole."""


def _parse_zip(
    file: _File,
    night: _Night,
    max_entries: int | None = None,
    max_bytes: int | None = None,
) -> bool:
    """Read the exports inside a zip archive in place, entry by entry; nothing is
    extracted to disk. An entry that cannot be read is rejected on its own."""
    try:
        archive = zipfile.ZipFile(file.path)
    except _ARCHIVE_ERRORS as exc:
        raise FileRejected("unreadable_zip", f"not a readable zip archive: {exc}") from None
    with archive:
        # Not ZipInfo.is_dir(): it raises IndexError on an entry with an empty name.
        members = [m for m in archive.infolist() if not m.filename.endswith("/")]
        check_archive(members, max_entries or MAX_ARCHIVE_ENTRIES, max_bytes or MAX_ARCHIVE_BYTES)
        found, damaged = [], []
        for member in members:
            try:
                with archive.open(member) as entry:
                    fmt = formats.recognise(member.filename, entry.read(_HEAD_BYTES))
            except _ENTRY_ERRORS as exc:
                damaged.append((member, exc))
                continue
            if fmt in formats.PARSERS:
                found.append((member, fmt))
        if not found:
            if damaged:
                raise FileRejected(
                    "unreadable_zip",
                    f"{len(damaged)} damaged entr{'y' if len(damaged) == 1 else 'ies'} and "
                    "nothing readable; export the archive again",
                )
            raise FileRejected(
                "unrecognised_archive", "holds no export virage reads (see docs/formats.md)"
            )
        night.rejected.extend(_damaged(file, member, exc) for member, exc in damaged)
        # An X archive names its account in data/account.js; that name applies to the
        # archive's X files only.
        x_handle = None
        for member, fmt in found:
            if fmt == "x_account":
                with suppress(UnicodeDecodeError, FileRejected, *_ENTRY_ERRORS):
                    data = _read_capped(archive, member)
                    x_handle = formats.x_account_handle(data.decode("utf-8-sig"))
        for member, fmt in found:
            entry_file = f"{file.source_file}!{member.filename}"
            own = x_handle if fmt.startswith("x_") else None
            try:
                data = _read_capped(archive, member)
                export = _parse_native(fmt, data, file.origin(member.filename), own)
            except FileRejected as exc:
                night.rejected.append((entry_file, exc.rule, exc.detail))
                continue
            except _ENTRY_ERRORS as exc:
                night.rejected.append(_damaged(file, member, exc))
                continue
            except Exception as exc:  # a reader's bug must not stop the night
                night.rejected.append((entry_file, *_reader_error(exc)))
                continue
            bundle = f"{file.source_file}!{PurePosixPath(member.filename).parent}"
            _add_export(night, export, entry_file, file, fmt, bundle)
    return True


MAX_FILE_BYTES = 512 * 1024**2
"""Largest export file (or archive entry) parsed by default: parsing holds it in
memory a few times over. X splits big archives into tweets-partN.js files well below
this. VIRAGE_MAX_FILE_BYTES sets another cap."""

MAX_FILE_BYTES_VARIABLE = "VIRAGE_MAX_FILE_BYTES"

MAX_COMPRESSION_RATIO = 500
"""An archive entry read whole may expand at most this many times its compressed
size. Real exports compress 5 to 15 to 1, and the most repetitive a few hundred to 1;
deflate's own limit is about 1,030 to 1, which is what a zip bomb of zeros reaches."""

_RATIO_FLOOR_BYTES = 1024**2
"""Entries smaller than this are read whatever their ratio: they cannot hurt."""


def max_file_bytes() -> int:
    """The size cap on an export file or archive entry: $VIRAGE_MAX_FILE_BYTES (a
    whole number of bytes), else MAX_FILE_BYTES. A value that is not a positive whole
    number falls back to the default (logged): a typo must not lift the cap."""
    given = os.environ.get(MAX_FILE_BYTES_VARIABLE, "").strip()
    if not given:
        return MAX_FILE_BYTES
    if given.isdigit() and int(given) > 0:
        return int(given)
    log.warning(
        "%s=%r is not a positive whole number of bytes; using %s",
        MAX_FILE_BYTES_VARIABLE,
        given,
        MAX_FILE_BYTES,
    )
    return MAX_FILE_BYTES


def _too_large(size: int) -> FileRejected:
    return FileRejected(
        "file_too_large",
        f"{size:,} bytes; virage parses export files of at most {max_file_bytes():,} "
        f"bytes (split the export, or raise {MAX_FILE_BYTES_VARIABLE})",
    )


def _read_capped(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """An entry's bytes, refusing more than the size cap whatever the entry claims (a
    zip bomb may declare a small size) and an entry that expands more than
    MAX_COMPRESSION_RATIO times (a zip bomb within the cap)."""
    cap = max_file_bytes()
    if member.file_size > cap:
        raise _too_large(member.file_size)
    ratio = member.file_size / max(member.compress_size, 1)
    if member.file_size > _RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
        raise FileRejected(
            "unsafe_archive",
            f"this entry expands {ratio:,.0f} times ({member.file_size:,} bytes from "
            f"{member.compress_size:,}); virage reads entries compressed at most "
            f"{MAX_COMPRESSION_RATIO} to 1: a zip bomb?",
        )
    with archive.open(member) as entry:
        data = entry.read(cap + 1)
    if len(data) > cap:
        raise _too_large(len(data))
    return data


def _reader_error(exc: Exception) -> tuple[str, str]:
    """A file a reader failed on, by a fault of virage's: held back, and logged."""
    log.error("reader failed", exc_info=exc)
    return (
        "reader_error",
        f"virage could not read it ({type(exc).__name__}: {_last_line(exc)}); the file is "
        "kept and read again next night: please report this",
    )


def _damaged(file: _File, member: zipfile.ZipInfo, exc: Exception) -> tuple[str, str, str]:
    return (
        f"{file.source_file}!{member.filename}",
        "unreadable_zip",
        f"this entry of the archive is damaged ({_last_line(exc)}); export it again",
    )


def _sum_follower_parts(accounts: pd.DataFrame) -> pd.DataFrame:
    """One follower count per export folder (or archive folder), account and day:
    the sum of the list parts found there."""
    if "list_bundle" not in accounts.columns:
        return accounts
    parts = accounts["list_bundle"].notna()
    if not parts.any():
        return accounts.drop(columns="list_bundle")
    listed = accounts[parts]
    key = ["list_bundle", "platform", "handle", "snapshot_date"]
    total = listed["followers"].astype("int64").groupby([listed[k] for k in key]).transform("sum")
    summed = listed.assign(followers=total.astype("str")).drop_duplicates(key, keep="first")
    return pd.concat([accounts[~parts], summed], ignore_index=True).drop(columns="list_bundle")


def _empty_raw(frame: Frame) -> pd.DataFrame:
    columns = [
        *frame.exchange_header,
        "row_number",
        "source_file",
        "source_sha256",
        "observed_at",
    ]
    return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
