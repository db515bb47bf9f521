"""ISO 8601 dates as Pacemaker reads them in rule date expressions.

Pacemaker accepts calendar dates (``2024-03-01``), ordinal dates (``2024-061``), week dates
(``2024-W09-5``), an optional time (``T12:00:00`` or `` 12:00:00``) and an optional offset
(``Z``, ``+02:00``). A date without a time is midnight UTC; a time without an offset is local
time, as in Pacemaker's iso8601.c. An unreadable date gives None: Pacemaker then treats the
bound as absent.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone

_DATE_PART = re.compile(
    r"""^(?:
        (?P<year>\d{4})-?(?P<month>\d{2})-?(?P<day>\d{2})      # calendar
      | (?P<oyear>\d{4})-(?P<yday>\d{3})                       # ordinal
      | (?P<wyear>\d{4})-W(?P<week>\d{2})-(?P<wday>\d)         # week date
    )""",
    re.VERBOSE,
)
_TIME_PART = re.compile(r"^(?P<h>\d{1,2})(?::?(?P<m>\d{2})(?::?(?P<s>\d{2}))?)?(?P<offset>.*)$")
_OFFSET = re.compile(r"^(?P<sign>[+-]?)(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?$")


def parse_iso_datetime(text: str | None) -> datetime | None:
    """Parse a Pacemaker ISO 8601 date/time into an aware datetime, or None if unreadable."""
    if not text or not text.strip():
        return None
    text = text.strip()
    if text.lower() == "epoch":
        return datetime(1970, 1, 1, tzinfo=UTC)
    match = _DATE_PART.match(text)
    if match is None:
        return None
    day = _date_of(match)
    if day is None:
        return None
    rest = text[match.end() :]
    if not rest:
        return datetime.combine(day, time(), UTC)
    if rest[0] not in " T":
        return None
    return _with_time(day, rest[1:])


def _date_of(match: re.Match[str]) -> date | None:
    try:
        if match["year"]:
            return date(int(match["year"]), int(match["month"]), int(match["day"]))
        if match["oyear"]:
            return date(int(match["oyear"]), 1, 1) + timedelta(days=int(match["yday"]) - 1)
        weekday = int(match["wday"])
        return date.fromisocalendar(int(match["wyear"]), int(match["week"]), weekday)
    except ValueError:
        return None


def _with_time(day: date, text: str) -> datetime | None:
    match = _TIME_PART.match(text)
    if match is None:
        return None
    hours, minutes, seconds = (int(match[key] or 0) for key in ("h", "m", "s"))
    if hours > 24 or minutes > 59 or seconds > 60:
        return None
    zone = _zone_of(match["offset"].strip())
    if zone is None:
        return None
    midnight = datetime.combine(day, time(), zone)
    moment = midnight + timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if zone is _LOCAL:
        # Local time: let the platform pick the offset in force on that date.
        return moment.replace(tzinfo=None).astimezone()
    return moment


_LOCAL = timezone(timedelta(0), "local")


def _zone_of(text: str) -> timezone | None:
    if not text:
        return _LOCAL
    if text.upper().startswith("Z"):
        return UTC
    match = _OFFSET.match(text)
    if match is None:
        return None
    offset = timedelta(hours=int(match["h"]), minutes=int(match["m"] or 0))
    return timezone(-offset if match["sign"] == "-" else offset)


def add_duration(start: datetime, duration: Mapping[str, str]) -> datetime:
    """Add a <duration> element's fields (years, months, weeks, days, ...) to a moment.

    Unreadable or zero fields are skipped, as Pacemaker does.
    """
    amounts = {name: _int_or_zero(duration.get(name)) for name in _DURATION_FIELDS}
    moment = _add_months(start, amounts["years"] * 12 + amounts["months"])
    return moment + timedelta(
        weeks=amounts["weeks"],
        days=amounts["days"],
        hours=amounts["hours"],
        minutes=amounts["minutes"],
        seconds=amounts["seconds"],
    )


_DURATION_FIELDS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")


def _int_or_zero(text: str | None) -> int:
    try:
        return int(text) if text is not None else 0
    except ValueError:
        return 0


def _add_months(moment: datetime, months: int) -> datetime:
    if months == 0:
        return moment
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def moon_phase(moment: datetime) -> int:
    """Phase of the moon 0-7 (0 new, 4 full), the approximation Pacemaker's date_spec uses."""
    year = moment.year
    day_of_year = moment.timetuple().tm_yday
    golden = (year % 19) + 1
    epact = (11 * golden + 18) % 30
    if (epact == 25 and golden > 11) or epact == 24:
        epact += 1
    return ((((day_of_year + epact) * 6) + 11) % 177) // 22 & 7
