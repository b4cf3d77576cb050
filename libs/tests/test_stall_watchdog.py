from lipei.messaging.consumer import _StallWatchdog


def test_stalled_only_when_messages_waited_twice_without_progress() -> None:
    dog = _StallWatchdog()
    assert not dog.stalled(3)  # first sight of lag: maybe just arrived
    assert dog.stalled(3)  # still waiting, nothing received since
    dog.progressed()
    assert not dog.stalled(3)  # moving
    assert not dog.stalled(0)
    assert not dog.stalled(2)
