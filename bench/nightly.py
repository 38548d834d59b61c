"""The nightly flow at scale: cold and incremental `virage run`, per size and dialect.

    python bench/nightly.py [--sizes 100000,1000000] [--with-3m] [--dialects sqlite,postgresql]
                            [--work .bench] [--json .bench/results.json]

For each size, a landing zone is generated once (bench/generate.py) and cached under
the work folder. For each dialect (PostgreSQL when a server answers on --pg-admin,
database virage_bench_nightly created fresh), the cold night is `virage run` in a new
process, exactly as a user types it (no PREFECT_API_URL: Prefect starts its temporary
server, and that counts), on an empty warehouse and raw zone; then night 2's files
are added (about 1% new posts, recent posts again with grown counts, a few archives
exported again) and the incremental night runs as of the next day.

Measured per run: end-to-end wall time, CPU seconds of the process and the children it
waited for (wait4: steadier than wall time on a shared machine, whose 1-minute load
average before the run is shown too), peak RSS of the process tree (the sum over the
process and its descendants, polled from /proc) and of its largest process (wait4),
posts/s (posts in the night's files / wall), and the seconds per stage that the flow
stores in its summary (pipeline_runs.summary -> stage_seconds; blank when the flow
does not record them; "outside" is the rest of the wall time: start-up, Prefect's
temporary server, the report). Prints a table and writes JSON with the machine it ran
on; `--show FILE` prints the table of an earlier run.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import generate  # noqa: E402

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = "virage_bench_nightly"
STAGES = ("discover", "parse", "validate", "score", "load", "publish")
"""Printed first, in this order; other stages the flow records follow."""
PAGE = os.sysconf("SC_PAGE_SIZE")


# --- the machine -------------------------------------------------------------------


def machine() -> dict:
    """What the numbers were measured on."""
    info = {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    cpuinfo = _read("/proc/cpuinfo")
    info["cpu"] = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor(),
    )
    meminfo = _read("/proc/meminfo")
    total = next((line.split()[1] for line in meminfo.splitlines() if "MemTotal" in line), "0")
    info["ram_gb"] = round(int(total) / 1024**2, 1)
    for package in ("pandas", "numpy", "pyarrow", "prefect", "sqlalchemy", "great-expectations"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = None
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        info["commit"] = head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except OSError:
        info["commit"] = None
    return info


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


# --- one run, measured ---------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    """parent pid -> child pids, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        stat = _read(f"/proc/{entry.name}/stat")
        if not stat:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants."""
    tree, todo, total = _children(), [pid], 0
    while todo:
        current = todo.pop()
        statm = _read(f"/proc/{current}/statm").split()
        if len(statm) > 1:
            total += int(statm[1]) * PAGE
        todo += tree.get(current, [])
    return total


def measure(
    command: list[str], env: dict, log: Path, timeout: float, interval: float = 0.1
) -> dict:
    """Run `command` in a new process group; its wall time, exit code, peak RSS of its
    process tree (polled) and of its largest process (wait4's ru_maxrss)."""
    started = time.perf_counter()
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        peak, status, usage = 0, None, None
        try:
            while status is None:
                pid, raw, rusage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    status, usage = os.waitstatus_to_exitcode(raw), rusage
                    break
                peak = max(peak, tree_rss(process.pid))
                if time.perf_counter() - started > timeout:
                    os.killpg(process.pid, signal.SIGKILL)
                time.sleep(interval)
        except BaseException:  # interrupted: the run and its server go too
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            raise
    process.returncode = status  # reaped here, not by Popen
    wall = time.perf_counter() - started
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)  # a temporary server left behind
    return {
        "exit_code": status,
        "wall_s": round(wall, 2),
        "peak_rss_tree_mb": round(peak / 1024**2),
        "peak_rss_process_mb": round(usage.ru_maxrss / 1024) if usage else None,
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1) if usage else None,
    }


def latest_summary(url: str) -> dict:
    """The summary JSON of the warehouse's latest run (by started_at), {} if none."""
    from sqlalchemy import select

    from virage.schemas.warehouse import pipeline_runs
    from virage.warehouse import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                select(pipeline_runs.c.summary).order_by(pipeline_runs.c.started_at.desc()).limit(1)
            ).first()
    finally:
        engine.dispose()
    if not row or not row[0]:
        return {}
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


# --- warehouses ------------------------------------------------------------------------


def postgres_admin(url: str) -> str | None:
    """The admin URL when a PostgreSQL server answers there, else None."""
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
    except Exception:  # no driver, no server, no access: SQLite only
        return None
    return url


def fresh_postgres(admin: str, name: str = PG_DATABASE) -> str:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{admin.rsplit('/', 1)[0]}/{name}"


def postgres_version(admin: str) -> str | None:
    import psycopg

    with psycopg.connect(admin) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


# --- the benchmark ---------------------------------------------------------------------


def landing_for(work: Path, size: int, seed: int, native_share: float) -> tuple[Path, dict]:
    """The cached landing of `size` posts (night 1 only), generated when missing."""
    root = work / f"landing-{size}-s{seed}"
    wanted = generate.Params(size, seed, native_share)
    try:
        manifest = generate.read_manifest(root)
        if manifest["params"] == dataclasses.asdict(wanted):
            generate.remove_nights(root, keep=1)
            return root, {**_shown(manifest["nights"]["1"]), "cached": True}
    except (FileNotFoundError, KeyError, json.JSONDecodeError):
        pass
    if root.exists():
        shutil.rmtree(root)
    print(f"generating {size:,} posts into {root} ...", flush=True)
    counts = generate.generate_landing(root, size, seed, native_share=native_share)
    print(
        f"  {counts['files']} files, {counts['bytes'] / 1e6:.0f} MB in {counts['seconds']} s",
        flush=True,
    )
    return root, {**_shown(counts), "cached": False}


def _shown(counts: dict) -> dict:
    return {k: v for k, v in counts.items() if k != "paths"}


def run_env(prefect_home: Path | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    if prefect_home:
        env["PREFECT_HOME"] = str(prefect_home)
    for name, value in (
        ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
        ("GX_ANALYTICS_ENABLED", "false"),
        ("DO_NOT_TRACK", "1"),
    ):
        env.setdefault(name, value)
    return env


def prepare_prefect_home(prefect_home: Path, env: dict) -> float | None:
    """Migrate a new PREFECT_HOME's database once, outside the measured runs: a user's
    first run ever pays for it, the nights after do not. Seconds taken, or None."""
    if (prefect_home / "prefect.db").exists():
        return None
    prefect_home.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "prefect"), "server", "database", "upgrade", "-y"],
        env=env,
        check=True,
        capture_output=True,
    )
    return round(time.perf_counter() - started, 1)


def one_night(
    *,
    landing: Path,
    url: str,
    folder: Path,
    as_of: str,
    env: dict,
    timeout: float,
    night: int,
) -> dict:
    virage = str(Path(sys.executable).parent / "virage")
    command = [virage, "run", "--landing", str(landing), "--warehouse", url, "--as-of", as_of]
    # The run's own raw zone, Data Docs and report: the cached landing stays clean, and
    # every dialect's cold night starts from an empty raw zone.
    command += ["--raw", str(folder / "raw"), "--docs", str(folder / "data-docs")]
    command += ["--report", str(folder / "report")]
    load = round(os.getloadavg()[0], 2)  # the machine is shared: say how busy it was
    result = measure(command, env, folder / f"night-{night}.log", timeout)
    result["load_average_before"] = load
    summary = latest_summary(url) if result["exit_code"] == 0 else {}
    result["stage_seconds"] = summary.get("stage_seconds") or {}
    # Prefect's start and stop, imports, the report: what no stage of the flow times.
    result["outside_stages_s"] = (
        round(result["wall_s"] - sum(result["stage_seconds"].values()), 1)
        if result["stage_seconds"]
        else None
    )
    for key in (
        "files_seen",
        "files_already_ingested",
        "files_loaded",
        "rows_read",
        "posts_written",
        "scores_published",
    ):
        result[key] = summary.get(key)
    result["command"] = " ".join(command)
    return result


def run(args: argparse.Namespace) -> dict:
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    (work / ".gitignore").write_text("*\n")  # the work folder never reaches git
    admin = postgres_admin(args.pg_admin) if "postgresql" in args.dialects else None
    dialects = [d for d in args.dialects if d != "postgresql" or admin]
    if "postgresql" in args.dialects and not admin:
        print(f"PostgreSQL not reachable at {args.pg_admin}: SQLite only", flush=True)
    prefect_home = (
        None
        if args.prefect_home == ""
        else Path(args.prefect_home or work / "prefect-home").resolve()
    )
    env = run_env(prefect_home)
    info = machine()
    info["postgresql"] = postgres_version(admin) if admin else None
    info["prefect_home"] = (
        str(prefect_home) if prefect_home else os.environ.get("PREFECT_HOME", "~/.prefect")
    )
    results = {"machine": info, "argv": sys.argv[1:], "generated": {}, "runs": []}
    if prefect_home:
        results["prefect_database_migration_s"] = prepare_prefect_home(prefect_home, env)
    for size in args.sizes:
        landing, counts = landing_for(work, size, args.seed, args.native_share)
        results["generated"][str(size)] = counts
        as_of = dt.date.fromisoformat(counts["as_of"])
        folders = {}
        for dialect in dialects:  # cold nights first: one PostgreSQL database serves both
            folder = work / "runs" / f"{size}-{dialect}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            url = (
                f"sqlite:///{folder / 'warehouse.db'}"
                if dialect == "sqlite"
                else fresh_postgres(admin)
            )
            folders[dialect] = (folder, url)
            print(f"{size:,} posts, {dialect}, cold ...", flush=True)
            result = one_night(
                landing=landing,
                url=url,
                folder=folder,
                as_of=as_of.isoformat(),
                env=env,
                timeout=args.timeout,
                night=1,
            )
            _record(results, result, size, dialect, "cold", counts["rows"])
        added = generate.add_night(landing, 2, args.add_share)
        results["generated"][str(size)]["night_2"] = _shown(added)
        for dialect, (folder, url) in folders.items():
            print(f"{size:,} posts, {dialect}, incremental ...", flush=True)
            result = one_night(
                landing=landing,
                url=url,
                folder=folder,
                as_of=added["as_of"],
                env=env,
                timeout=args.timeout,
                night=2,
            )
            _record(results, result, size, dialect, "incremental", added["rows"])
            if not args.keep:
                shutil.rmtree(folder / "raw", ignore_errors=True)
        generate.remove_nights(landing, keep=1)
    if args.load_json and args.load_json.exists():
        results["load"] = json.loads(args.load_json.read_text())
    return results


def _record(results: dict, result: dict, size: int, dialect: str, night: str, posts: int) -> None:
    result = {"size": size, "dialect": dialect, "night": night, "posts": posts, **result}
    result["posts_per_s"] = round(posts / result["wall_s"]) if result["exit_code"] == 0 else None
    results["runs"].append(result)
    status = (
        "ok"
        if result["exit_code"] == 0
        else f"FAILED (exit {result['exit_code']}), see {result['command']}"
    )
    print(f"  {result['wall_s']} s, peak RSS {result['peak_rss_tree_mb']} MB: {status}", flush=True)


def table(results: dict) -> str:
    """The runs as an aligned text table."""
    stages = list(STAGES)
    for r in results["runs"]:
        stages += [s for s in r["stage_seconds"] if s not in stages]
    head = ["size", "dialect", "night", "wall s", "CPU s", "load avg", "RSS MB", "posts/s"]
    head += [*stages, "outside"]
    rows = [head]
    for r in results["runs"]:
        cells = [f"{r['size']:,}", r["dialect"], r["night"], f"{r['wall_s']:.1f}"]
        cells += [_seconds(r.get("cpu_s")), _seconds(r.get("load_average_before"))]
        cells.append(str(r["peak_rss_tree_mb"]))
        cells.append(f"{r['posts_per_s']:,}" if r["posts_per_s"] else "failed")
        cells += [_seconds(r["stage_seconds"].get(s)) for s in stages]
        cells.append(_seconds(r["outside_stages_s"]))
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [" | ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=os.environ.get("BENCH_SIZES", "100000,1000000"),
        help="posts per landing, comma- or space-separated",
    )
    parser.add_argument("--with-3m", action="store_true", help="add 3,000,000 posts")
    parser.add_argument("--dialects", default="sqlite,postgresql")
    parser.add_argument(
        "--work", type=Path, default=REPO / ".bench", help="cached landings and runs"
    )
    parser.add_argument("--json", type=Path, help="results file [default: <work>/results.json]")
    parser.add_argument("--pg-admin", default=os.environ.get("VIRAGE_BENCH_PG_ADMIN", PG_ADMIN))
    parser.add_argument(
        "--prefect-home",
        default=None,
        help="PREFECT_HOME of the runs [default: <work>/prefect-home; empty: the environment's]",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--native-share", type=float, default=0.1)
    parser.add_argument("--add-share", type=float, default=0.01)
    parser.add_argument(
        "--timeout", type=float, default=3600, help="seconds before a run is killed"
    )
    parser.add_argument(
        "--load-json", type=Path, help="bench/load.py's results, copied into the JSON"
    )
    parser.add_argument("--keep", action="store_true", help="keep the runs' raw zones")
    parser.add_argument("--show", type=Path, help="only print the table of this results file")
    args = parser.parse_args(argv)
    if args.show:
        print(table(json.loads(args.show.read_text())))
        return
    args.sizes = [int(s) for s in args.sizes.replace(",", " ").split()]
    if args.with_3m and 3_000_000 not in args.sizes:
        args.sizes.append(3_000_000)
    args.dialects = [d.strip() for d in args.dialects.split(",") if d.strip()]
    unknown = set(args.dialects) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown dialect(s) {', '.join(sorted(unknown))}: sqlite, postgresql")
    results = run(args)
    print()
    print(table(results))
    target = args.json or args.work / "results.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(results, indent=1) + "\n")
    print(f"\nwritten: {target}")
    if any(r["exit_code"] != 0 for r in results["runs"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
