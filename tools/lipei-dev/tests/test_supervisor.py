"""The supervisor's decisions, on a clock and processes of the test's own."""

from __future__ import annotations

import signal
import threading

import pytest

from lipei_dev.supervisor import ChildSpec, GaveUp, RestartPolicy, Supervisor


class FakeProcess:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        return self.returncode


class World:
    """A clock, the processes launched, and the supervisor's log lines."""

    def __init__(self, policy: RestartPolicy | None = None) -> None:
        self.now = 0.0
        self.launched: list[tuple[str, FakeProcess]] = []
        self.said: list[str] = []
        self.signals: list[tuple[int, int]] = []
        self.supervisor = Supervisor(
            self.launch,
            policy=policy,
            clock=lambda: self.now,
            say=self.said.append,
            send_signal=self.send_signal,
        )

    def send_signal(self, process: object, sig: int) -> None:
        assert isinstance(process, FakeProcess)
        self.signals.append((process.pid, sig))
        process.returncode = -sig

    def launch(self, spec: ChildSpec) -> FakeProcess:
        process = FakeProcess(len(self.launched) + 100)  # never signalled for real
        self.launched.append((spec.name, process))
        return process

    def kill(self, name: str, code: int = -9) -> None:
        process = self.supervisor.process(name)
        assert isinstance(process, FakeProcess)
        process.returncode = code

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.supervisor.poll()


def test_a_dead_service_is_restarted_after_a_second_and_the_rest_go_on() -> None:
    world = World()
    world.supervisor.start(ChildSpec("tracking_service", ["serve"]))
    world.supervisor.start(ChildSpec("intake_service", ["serve"]))
    world.advance(60)
    world.kill("tracking_service")
    world.advance(0.5)
    assert world.said == ["tracking_service exited with -9; restarting in 1 s"]
    world.advance(0.4)
    assert world.supervisor.starts("tracking_service") == 1  # still waiting out the backoff
    world.advance(0.7)
    assert world.supervisor.starts("tracking_service") == 2
    assert world.supervisor.starts("intake_service") == 1
    assert world.supervisor.process("tracking_service").poll() is None  # type: ignore[union-attr]


def test_the_backoff_doubles_while_a_service_keeps_dying_at_once_and_resets_once_it_stays_up() -> (
    None
):
    world = World(RestartPolicy(first_delay=1, quick_seconds=15, give_up_after=5))
    world.supervisor.start(ChildSpec("notify_service", ["serve"]))
    world.advance(100)
    delays = []
    for _ in range(4):
        world.kill("notify_service", code=1)
        world.advance(0.1)  # noticed
        delays.append(world.said[-1].rsplit("in ", 1)[1])
        world.advance(float(delays[-1].removesuffix(" s")))  # restarted; it dies again at once
    # It had run 100 s before its first failure; from the second failure at once on, each
    # doubles the wait.
    assert delays == ["1 s", "1 s", "2 s", "4 s"]
    world.advance(30)  # now it stays up
    world.kill("notify_service", code=1)
    world.advance(0.1)
    assert world.said[-1] == "notify_service exited with 1; restarting in 1 s"


def test_five_failures_at_once_in_a_row_stop_everything() -> None:
    world = World(RestartPolicy(first_delay=1, quick_seconds=15, give_up_after=5))
    world.supervisor.start(ChildSpec("ocr_service", ["serve"]))
    for _ in range(4):
        world.kill("ocr_service", code=3)
        world.advance(0.1)
        world.advance(20)  # restarted after its backoff
    world.kill("ocr_service", code=3)
    with pytest.raises(GaveUp, match="ocr_service failed at once 5 times in a row"):
        world.advance(0.1)


def test_the_broker_s_hook_runs_after_each_restart_but_not_at_the_first_start() -> None:
    replays = []
    done = threading.Event()

    def replay() -> None:
        replays.append(1)
        done.set()

    world = World()
    world.supervisor.start(ChildSpec("broker", ["tansu"], after_restart=replay))
    world.advance(60)
    assert replays == []
    world.kill("broker")
    world.advance(0.1)
    world.advance(1.0)
    assert done.wait(5)
    assert replays == [1]


def test_a_held_child_stays_down_until_resumed() -> None:
    world = World()
    world.supervisor.start(ChildSpec("broker", ["tansu"]))
    world.advance(60)
    world.supervisor.hold("broker", signal.SIGKILL)
    assert world.signals == [(100, signal.SIGKILL)]
    world.advance(120)
    assert world.supervisor.starts("broker") == 1
    assert world.said == []
    world.supervisor.resume("broker")
    assert world.supervisor.starts("broker") == 2
