"""Assignment by capacity: the active butler with the most room; inactive butlers' users move."""

from __future__ import annotations

from butler_service.domain.assignment import ButlerLoad, Move, choose, rehome


def test_the_active_butler_with_the_most_room_is_chosen() -> None:
    butlers = [
        ButlerLoad("a", capacity=10, active=True, users=8),  # room 2
        ButlerLoad("b", capacity=50, active=True, users=45),  # room 5
        ButlerLoad("c", capacity=100, active=False, users=0),  # inactive
    ]
    assert choose(butlers) == "b"


def test_equal_room_goes_to_the_least_loaded_for_their_size_then_by_id() -> None:
    assert choose([ButlerLoad("a", 10, True, 5), ButlerLoad("b", 20, True, 15)]) == "a"
    assert choose([ButlerLoad("b", 10, True, 5), ButlerLoad("a", 10, True, 5)]) == "a"


def test_when_everyone_is_full_the_least_over_still_takes_the_user() -> None:
    assert choose([ButlerLoad("a", 2, True, 4), ButlerLoad("b", 3, True, 4)]) == "b"


def test_no_active_butler_no_choice() -> None:
    assert choose([ButlerLoad("a", 10, False, 0)]) is None
    assert choose([]) is None


def test_filling_up_spreads_users_by_room() -> None:
    loads = {"a": ButlerLoad("a", 3, True, 0), "b": ButlerLoad("b", 1, True, 0)}
    taken = []
    for _ in range(4):
        chosen = choose(loads.values())
        assert chosen is not None
        taken.append(chosen)
        load = loads[chosen]
        loads[chosen] = ButlerLoad(chosen, load.capacity, True, load.users + 1)
    assert taken.count("a") == 3 and taken.count("b") == 1


def test_an_inactive_butlers_users_move_to_the_others_by_room() -> None:
    butlers = [
        ButlerLoad("gone", 10, False, 3),
        ButlerLoad("a", 5, True, 4),  # room 1
        ButlerLoad("b", 5, True, 3),  # room 2
    ]
    moves = rehome(["u1", "u2", "u3"], "gone", butlers)
    assert moves == [Move("u1", "gone", "b"), Move("u2", "gone", "a"), Move("u3", "gone", "b")]


def test_with_nobody_left_the_users_wait_unassigned() -> None:
    assert rehome(["u1"], "gone", [ButlerLoad("gone", 10, False, 1)]) == [Move("u1", "gone", None)]
