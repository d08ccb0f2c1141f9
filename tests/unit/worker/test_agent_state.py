"""The worker's crash-safe state file and its test-only cheat flags."""

from __future__ import annotations

import json

import pytest

from worker.agent.cheat import Cheat, fabricated_nonces, parse_cheat
from worker.agent.state import InFlight, StateFile


def test_state_round_trips_and_survives_a_reload(tmp_path):
    path = tmp_path / "w" / "state.json"
    state = StateFile(path)
    epoch = state.epoch(7)
    epoch.secret = "ab" * 32
    epoch.cursor = 4096
    epoch.found = {"12": 1200000, "99": 1190000}
    epoch.in_flight.append(InFlight("AA" * 32, 40, [12]))
    epoch.commit_tx = InFlight("BB" * 32, 30)
    epoch.votes["sprint1x"] = "CC" * 32
    state.save()

    again = StateFile(path).epoch(7)
    assert again.secret == "ab" * 32 and again.cursor == 4096
    assert again.found_nonces() == {12: 1200000, 99: 1190000}
    assert again.in_flight == [InFlight("AA" * 32, 40, [12])]
    assert again.commit_tx == InFlight("BB" * 32, 30) and again.reveal_tx is None
    assert again.votes == {"sprint1x": "CC" * 32}
    assert not path.with_suffix(".tmp").exists()


def test_state_keeps_only_recent_epochs(tmp_path):
    state = StateFile(tmp_path / "s.json")
    for number in range(6):
        state.epoch(number).cursor = number
    state.save()
    assert sorted(json.loads((tmp_path / "s.json").read_text())["epochs"]) == ["3", "4", "5"]


@pytest.mark.parametrize("text,expected", [
    ("fabricate", Cheat("fabricate")), ("inflate 5%", Cheat("inflate", 5)),
    ("inflate:5%", Cheat("inflate", 5)), ("INFLATE 20", Cheat("inflate", 20)), (None, None), ("", None),
])
def test_parse_cheat(text, expected):
    assert parse_cheat(text) == expected


@pytest.mark.parametrize("text", ["inflate", "inflate 0%", "inflate 101%", "copy", "inflate -5%"])
def test_parse_cheat_refuses_unknown_modes(text):
    with pytest.raises(ValueError, match="fabricate"):
        parse_cheat(text)


def test_fabricated_nonces_are_distinct_fresh_and_under_the_threshold():
    taken = {5, 6, 7}
    claims = fabricated_nonces(b"s" * 32, 50, 0, threshold_micro=1_300_000, max_nonce=1000, taken=taken)
    assert len(claims) == 50 and not taken & set(claims)
    assert all(0 <= n < 1000 and 1_287_000 <= d < 1_300_000 for n, d in claims.items())
    assert claims == fabricated_nonces(b"s" * 32, 50, 0, 1_300_000, 1000, taken)
