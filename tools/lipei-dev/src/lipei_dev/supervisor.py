"""`make run`'s supervisor: a child that dies is started again, as compose or Kubernetes would.

A restart waits a backoff that doubles while the child keeps dying soon after its start, and
resets once it has stayed up. A child that fails at once `give_up_after` times in a row stops
everything: a broken build or a taken port does not heal by retrying. A child may carry a hook run
after each restart (the broker's: replay the services' outboxes, as it keeps data in memory only).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


class Process(Protocol):
    pid: int
    returncode: int | None

    def poll(self) -> int | None: ...


Launcher = Callable[["ChildSpec"], Process]


@dataclass
class ChildSpec:
    name: str
    args: list[str]
    env: dict[str, str] = field(default_factory=dict)
    # Run (in a thread of its own) after every restart, never after the first start.
    after_restart: Callable[[], object] | None = None


class GaveUp(Exception):
    """A child failed at once too many times in a row."""


@dataclass(frozen=True)
class RestartPolicy:
    first_delay: float = 1.0
    max_delay: float = 30.0
    # A child that exits sooner than this after its start "failed at once".
    quick_seconds: float = 15.0
    give_up_after: int = 5

    def delay(self, failures: int) -> float:
        """The wait before restarting a child that failed `failures` times in a row (≥ 1)."""
        return min(self.max_delay, self.first_delay * 2 ** (failures - 1))


@dataclass
class _Child:
    spec: ChildSpec
    process: Process | None = None
    started_at: float = 0.0
    quick_failures: int = 0
    restart_at: float | None = None
    held: bool = False  # stopped on purpose: not restarted until started again
    starts: int = 0


class Supervisor:
    def __init__(
        self,
        launcher: Launcher,
        *,
        policy: RestartPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        say: Callable[[str], None] = print,
        send_signal: Callable[[Process, int], None] | None = None,
    ) -> None:
        self._launch = launcher
        self._signal = send_signal or _signal_group
        self.policy = policy or RestartPolicy()
        self._clock = clock
        self._say = say
        self._children: dict[str, _Child] = {}
        self.hooks: list[threading.Thread] = []
        # poll() may run in a thread of its own while another holds or resumes a child.
        self._lock = threading.RLock()

    def start(self, spec: ChildSpec) -> Process:
        with self._lock:
            child = self._children.setdefault(spec.name, _Child(spec))
            child.spec = spec
            return self._run(child)

    def _run(self, child: _Child) -> Process:
        child.process = self._launch(child.spec)
        child.started_at = self._clock()
        child.restart_at = None
        child.held = False
        child.starts += 1
        if child.starts > 1 and child.spec.after_restart is not None:
            hook = threading.Thread(
                target=child.spec.after_restart, name=f"{child.spec.name} restarted", daemon=True
            )
            hook.start()
            self.hooks.append(hook)
        return child.process

    def process(self, name: str) -> Process | None:
        return self._children[name].process

    def starts(self, name: str) -> int:
        return self._children[name].starts

    def poll(self) -> None:
        """Notice exits, restart what is due; raises GaveUp."""
        with self._lock:
            self._poll(self._clock())

    def _poll(self, now: float) -> None:
        for name, child in self._children.items():
            if child.held or child.process is None:
                continue
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._run(child)
                continue
            code = child.process.poll()
            if code is None:
                continue
            if now - child.started_at < self.policy.quick_seconds:
                child.quick_failures += 1
            else:
                child.quick_failures = 0
            if child.quick_failures >= self.policy.give_up_after:
                raise GaveUp(
                    f"{name} failed at once {child.quick_failures} times in a row (exit code "
                    f"{code}); stopping everything"
                )
            delay = self.policy.delay(max(1, child.quick_failures))
            child.restart_at = now + delay
            self._say(f"{name} exited with {code}; restarting in {delay:g} s")

    def hold(self, name: str, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        """Stop a child on purpose (SIGKILL for a crash): it stays down until `resume`."""
        with self._lock:
            child = self._children[name]
            child.held = True
            child.restart_at = None
            process = child.process
        if process is not None and process.poll() is None:
            self._signal(process, sig)
            self._wait(process, timeout)

    def resume(self, name: str) -> Process:
        """Start a held child again (its restart hook runs, as after any restart)."""
        with self._lock:
            return self._run(self._children[name])

    def kill(self, name: str, sig: int = signal.SIGKILL, timeout: float = 10.0) -> None:
        """Signal a child as a crash would (it is restarted as after any crash); returns once
        it has exited (or after `timeout` s, for a signal it may survive)."""
        with self._lock:
            process = self._children[name].process
        if process is not None and process.poll() is None:
            self._signal(process, sig)
            deadline = time.monotonic() + timeout
            while process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)

    def stop_all(self, timeout: float = 10.0) -> None:
        """SIGTERM every child, last started first; SIGKILL what outlives `timeout`."""
        with self._lock:
            children = list(self._children.values())
        for child in reversed(children):
            child.held = True
            if child.process is not None and child.process.poll() is None:
                self._signal(child.process, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for child in children:
            if child.process is not None:
                self._wait(child.process, max(0.1, deadline - time.monotonic()))

    def _wait(self, process: Process, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if process.poll() is None:
            self._signal(process, signal.SIGKILL)
            while process.poll() is None:
                time.sleep(0.05)


def _signal_group(process: Process, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # the child and anything it started
        os.killpg(process.pid, sig)


def _die_with_parent(parent: int) -> None:
    """In a child before exec (Linux): SIGTERM it if the supervisor dies without stopping it."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the supervisor was already gone
        os._exit(1)


def process_launcher(cwd: Path, logs: Path) -> Launcher:
    """Start each child in a session of its own (a Ctrl-C reaches the supervisor alone, which
    stops the children in order), its output appended to `logs/<name>.log`."""

    def launch(spec: ChildSpec) -> subprocess.Popen[bytes]:
        parent = os.getpid()
        with open(logs / f"{spec.name}.log", "ab") as log:
            return subprocess.Popen(
                spec.args,
                env={**os.environ, **spec.env},
                cwd=cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=lambda: _die_with_parent(parent),
            )

    return launch
