"""
What --since accepts: a span back from now, or a moment.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acc_plugins.cli._since import parse_since


NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@given(
    st.integers(min_value=0, max_value=10**5),  # 10**5 weeks: 1917 years
    st.sampled_from(sorted(UNITS)),
    st.booleans(),
)
def test_a_span_counts_back_from_now(number, unit, upper):
    """10m, 2h, 1D: the number of units before now."""
    text = f"{number}{unit.upper() if upper else unit}"

    assert parse_since(text, NOW) == NOW - dt.timedelta(
        seconds=number * UNITS[unit]
    )


# Fixed offsets: a zone's own rules make some local times not exist.
OFFSETS = st.integers(min_value=-23 * 60, max_value=23 * 60).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)


# Hypothesis takes naive bounds; year 2 keeps offsets from year 0.
@given(st.datetimes(min_value=dt.datetime(2, 1, 1), timezones=OFFSETS))  # noqa: DTZ001
def test_an_iso_timestamp_is_that_moment(moment):
    """A timestamp with its offset means exactly that moment."""
    assert parse_since(moment.isoformat(), NOW) == moment


def test_a_timestamp_without_offset_is_local_time():
    """2026-12-04T13:00 means 13:00 where the user is."""
    parsed = parse_since("2026-12-04T13:00", NOW)

    assert parsed.tzinfo is not None
    assert parsed == dt.datetime(2026, 12, 4, 13, 0).astimezone()


@given(st.text())
def test_any_text_is_a_moment_or_one_clear_error(text):
    """Whatever is typed: an aware datetime, or a ValueError saying what
    is accepted."""
    try:
        parsed, problem = parse_since(text, NOW), ""
    except ValueError as exc:
        parsed, problem = None, str(exc)

    if parsed is None:
        assert repr(text) in problem
    else:
        assert parsed.tzinfo is not None


@pytest.mark.parametrize("text", ["5q", "ten minutes", "-1h", "1.5h", ""])
def test_what_is_not_accepted_names_the_forms_that_are(text):
    """The error shows examples of both forms."""
    with pytest.raises(ValueError, match=r"such as 30s, 10m, 2h, 1d"):
        parse_since(text, NOW)


def test_a_span_before_the_year_one_is_refused():
    """A huge span is an error, not an overflow."""
    with pytest.raises(ValueError, match="before the year 1"):
        parse_since("999999999999w", NOW)
