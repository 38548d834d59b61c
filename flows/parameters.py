"""What a deployed run is given: its day, its timezone, its date range, its folder.

Prefect builds each deployment's parameter form (and validates a run's parameters
before the flow starts) from the flows' signatures, so the types here carry the
rules: a timezone must be a known IANA name, a date range must run forwards and stay
within a year. A bad value fails the run before any work, with the reason.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

DEFAULT_TIMEZONE = "Europe/Paris"
TIMEZONE_VARIABLE = "VIRAGE_TIMEZONE"
HOME_VARIABLE = "VIRAGE_HOME"
DEFAULT_HOME = "~/virage"
MAX_BACKFILL_DAYS = 366


def _known_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA timezone, e.g. Europe/Paris or UTC") from None
    return name


Timezone = Annotated[
    str,
    AfterValidator(_known_timezone),
    Field(description="IANA timezone that decides which day 'yesterday' is, e.g. Europe/Paris"),
]


def run_timezone(timezone: str | None = None) -> str:
    """The timezone given, else $VIRAGE_TIMEZONE, else Europe/Paris (checked)."""
    return _known_timezone(timezone or os.environ.get(TIMEZONE_VARIABLE) or DEFAULT_TIMEZONE)


def yesterday(timezone: str | None = None, now: dt.datetime | None = None) -> dt.date:
    """The day before `now` (default: the current time) in `timezone`. A scheduled
    run passes its scheduled start, so a night that starts late still scores the
    day it was meant for."""
    zone = ZoneInfo(run_timezone(timezone))
    moment = now.astimezone(zone) if now is not None else dt.datetime.now(zone)
    return moment.date() - dt.timedelta(days=1)


class DateRange(BaseModel):
    """Days from `start` to `end`, both included."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: dt.date = Field(description="First day to score (YYYY-MM-DD), scored first")
    end: dt.date = Field(description="Last day to score (YYYY-MM-DD), included")

    @model_validator(mode="after")
    def _forwards_and_bounded(self) -> DateRange:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        if len(self) > MAX_BACKFILL_DAYS:
            raise ValueError(
                f"{len(self)} days from {self.start} to {self.end}: at most "
                f"{MAX_BACKFILL_DAYS} per backfill (split the range)"
            )
        return self

    def __len__(self) -> int:
        return (self.end - self.start).days + 1

    def days(self) -> list[dt.date]:
        """Every day of the range, oldest first."""
        return [self.start + dt.timedelta(days=n) for n in range(len(self))]


def enter_home(directory: str | None = None) -> dict[str, str]:
    """Pull step of the deployments: work in `directory`, else $VIRAGE_HOME, else
    ~/virage (created when missing). Relative parameters (`landing`, an SQLite
    `warehouse_url` such as sqlite:///warehouse.db) resolve from there. Read on the
    worker when a run starts, never on the machine that deployed: the code itself
    comes from the `virage` package installed where the worker runs."""
    home = Path(directory or os.environ.get(HOME_VARIABLE) or DEFAULT_HOME).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    os.chdir(home)
    return {"directory": str(home)}
