"""`virage` processes forked from a process that has already imported what `virage run`
imports.

A `virage run` process spends about 4 s of a core importing Prefect, Great Expectations
and the flow before it reads its command line. The tests that start runs only to kill
them or race them (tests/reliability/test_crash_safety.py, tests/test_warehouse_safety.py,
tests/reliability/test_concurrency.py) start them from a zygote instead: a process
started once with the runs' environment, which sets `virage run`'s quiet defaults and
imports the same modules, in the same order, then forks one child per run. Each child
is a real process running `virage ARGS` (virage.cli.main, as the `virage` script does):
its own pid, standard streams, exit status; SIGKILL kills it as it kills any process.
Only its imports were done before its command line was read.

`Zygote(env).start(args, stdout=..., stderr=...)` gives a Popen-like `Forked`. The
zygote runs `python -m tests.forked FD`; it stops when the test process closes its end
of the control socket (or dies).
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
VIRAGE = str(Path(sys.executable).parent / "virage")


class Forked:
    """A forked `virage` process: what tests use of subprocess.Popen."""

    def __init__(self, pid: int, status: socket.socket, stdout: IO | None, stderr: IO | None):
        self.pid = pid
        self.args = ["virage"]
        self.returncode: int | None = None
        self.stdout = stdout
        self.stderr = stderr
        self._status = status

    def _read_status(self, timeout: float | None) -> int | None:
        if self.returncode is None:
            self._status.settimeout(timeout)
            try:
                message = self._status.recv(256)
            except (TimeoutError, BlockingIOError):
                return None
            if not message:
                raise RuntimeError(f"the zygote of {self.pid} ended before it reported its exit")
            self.returncode = json.loads(message)["returncode"]
            self._status.close()
        return self.returncode

    def poll(self) -> int | None:
        return self._read_status(0)

    def wait(self, timeout: float | None = None) -> int:
        code = self._read_status(timeout)
        if code is None:
            raise subprocess.TimeoutExpired(self.args, timeout)
        return code

    def communicate(self, timeout: float | None = None) -> tuple[str | None, str | None]:
        """Read both pipes to their end (each in a thread, so neither fills), then wait."""
        found: dict[str, str] = {}
        readers = [
            threading.Thread(target=lambda n=name, s=stream: found.__setitem__(n, s.read()))
            for name, stream in (("out", self.stdout), ("err", self.stderr))
            if stream is not None
        ]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(timeout)
        self.wait(timeout)
        for stream in (self.stdout, self.stderr):
            if stream is not None:
                stream.close()
        return found.get("out"), found.get("err")


class Zygote:
    """A process with `virage run`'s imports done, forking `virage` children on request.
    Started on first use; `close()` stops it (children already started run on)."""

    def __init__(self, env: dict[str, str]):
        self.env = dict(env)
        self._process: subprocess.Popen | None = None
        self._control: socket.socket | None = None
        self._errors: IO | None = None
        self._lock = threading.Lock()

    def _ensure_started(self) -> socket.socket:
        if self._control is None:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
            self._process = subprocess.Popen(
                [sys.executable, "-m", "tests.forked", str(theirs.fileno())],
                env=self.env,
                cwd=ROOT,
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._errors,
            )
            theirs.close()
            if ours.recv(16) != b"ready":  # its imports are done
                self._process.wait(30)
                self._errors.seek(0)
                error = self._errors.read().decode(errors="replace")
                raise RuntimeError(f"the virage zygote did not start:\n{error[-3000:]}")
            self._control = ours
        return self._control

    def start(self, args: list[str], stdout=None, stderr=None) -> Forked:
        """Fork `virage ARGS`. stdout and stderr: subprocess.PIPE (read as text),
        subprocess.DEVNULL, a file, or None (this process's own)."""
        parent_ends: dict[str, IO] = {}
        child_fds: list[int] = []
        to_close: list[int] = []
        with open(os.devnull, "rb") as devnull_in, open(os.devnull, "wb") as devnull_out:
            child_fds.append(devnull_in.fileno())
            for name, target, own in (("out", stdout, 1), ("err", stderr, 2)):
                if target == subprocess.PIPE:
                    read, write = os.pipe()
                    parent_ends[name] = open(read, encoding="utf-8", errors="replace")  # noqa: SIM115
                    child_fds.append(write)
                    to_close.append(write)
                elif target == subprocess.DEVNULL:
                    child_fds.append(devnull_out.fileno())
                elif target is None:
                    child_fds.append(own)
                else:
                    child_fds.append(target.fileno())
            status, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            child_fds.append(theirs.fileno())
            request = json.dumps({"args": list(args), "cwd": os.getcwd()}).encode()
            with self._lock:
                control = self._ensure_started()
                socket.send_fds(control, [request], child_fds)
            theirs.close()
            for fd in to_close:
                os.close(fd)
        pid = json.loads(status.recv(256))["pid"]
        return Forked(pid, status, parent_ends.get("out"), parent_ends.get("err"))

    def close(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
            self._process.wait(30)
            self._errors.close()


# --- the zygote's side --------------------------------------------------------------


PRELOADED = (
    "virage.early_server",
    "virage.runners",
    "virage.tasks.landing",
    "virage.warehouse",
    "virage.flows.nightly",
    "virage.tasks.gx_record",
    "virage.tasks.report",
    "virage.tasks.summary",
)


def _preload() -> None:
    """What `virage run` sets and imports before its flow starts (virage/cli.py)."""
    from virage.cli import _QUIET_DEFAULTS

    for name, value in _QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
    for module in PRELOADED:
        importlib.import_module(module)
    importlib.import_module("virage.tasks.gx_record").import_gx()


def _serve(control: socket.socket) -> list[str]:
    """Fork a child per request and report its pid, then its exit status. Returns only
    in a child: the arguments it is to run `virage` with."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_write)
    waiting: dict[int, socket.socket] = {}  # child pid -> where its exit status goes
    events = selectors.DefaultSelector()
    events.register(control, selectors.EVENT_READ)
    events.register(wake_read, selectors.EVENT_READ)
    while True:
        for key, _ in events.select():
            if key.fileobj is control:
                message, fds, _, _ = socket.recv_fds(control, 65536, 4)
                if not message:  # the test process is done (or gone)
                    sys.exit(0)
                request = json.loads(message)
                status = socket.socket(fileno=fds[3])
                pid = os.fork()
                if pid == 0:  # the child: its streams, then `virage`
                    signal.set_wakeup_fd(-1)
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    for target, fd in enumerate(fds[:3]):
                        os.dup2(fd, target)
                        os.close(fd)
                    for sock in (status, control, *waiting.values()):
                        sock.close()
                    events.close()
                    os.close(wake_read)
                    os.close(wake_write)
                    os.chdir(request["cwd"])
                    return request["args"]
                for fd in fds[:3]:
                    os.close(fd)
                status.send(json.dumps({"pid": pid}).encode())
                waiting[pid] = status
            else:
                os.read(wake_read, 4096)
        while waiting:
            pid, code = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            status = waiting.pop(pid)
            status.send(json.dumps({"returncode": os.waitstatus_to_exitcode(code)}).encode())
            status.close()


if __name__ == "__main__":
    _control = socket.socket(fileno=int(sys.argv[1]))
    _preload()
    # What was imported stays as it is in every child: the collector need not walk it
    # (walking it would copy each child's share of the zygote's memory page by page).
    gc.freeze()
    _control.send(b"ready")
    _args = _serve(_control)
    from virage.cli import main

    sys.argv = [VIRAGE, *_args]
    main()
