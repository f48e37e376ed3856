"""Template helpers: stored UTC times are shown in Swedish time."""

from __future__ import annotations

from fieldkit.templating import localtime


def test_times_are_shown_in_swedish_summer_and_winter_time():
    assert localtime("2024-07-01T10:05:30.123+00:00") == "2024-07-01 12:05"
    assert localtime("2024-01-15T10:05:30+00:00", seconds=True) == "2024-01-15 11:05:30"
    assert localtime("2024-03-31T23:30:00+00:00", time_only=True) == "01:30:00"


def test_a_missing_or_odd_time_is_shown_as_it_is():
    assert localtime(None) == "" and localtime("igår") == "igår"
