#!/usr/bin/env python3
"""Writes fixtures/calendar/nyse-closures-2000-2030.csv from exchange_calendars' XNYS calendar.

Independent reference for the Swift NYSE calendar: every weekday 2000-01-01..2030-12-31 that
is not an XNYS session (kind `holiday` for the regular rules, `special_closure` for the ad hoc
ones), and every session that closes before 16:00 (kind `early_close`; the script stops if one
does not close at 13:00 New York time, or if a session opens other than 09:30).

    python3 -m venv /tmp/xcal && /tmp/xcal/bin/pip install exchange_calendars==4.13.2
    /tmp/xcal/bin/python scripts/calendar/gen_nyse_reference.py > fixtures/calendar/nyse-closures-2000-2030.csv
"""
import sys
from datetime import date, time, timedelta

import exchange_calendars as xcals
import pandas as pd

START, END = "2000-01-01", "2030-12-31"
NY = "America/New_York"

# Names for the ad hoc closures in range (exchange_calendars keeps them as bare dates).
ADHOC_NAMES = {
    "2001-09-11": "September 11 attacks",
    "2001-09-12": "September 11 attacks",
    "2001-09-13": "September 11 attacks",
    "2001-09-14": "September 11 attacks",
    "2004-06-11": "National Day of Mourning (Ronald Reagan)",
    "2007-01-02": "National Day of Mourning (Gerald Ford)",
    "2012-10-29": "Hurricane Sandy",
    "2012-10-30": "Hurricane Sandy",
    "2018-12-05": "National Day of Mourning (George H. W. Bush)",
    "2025-01-09": "National Day of Mourning (Jimmy Carter)",
}

# exchange_calendars names its early-close rules after the rule ("Mondays, Tuesdays, and
# Thursdays Before Independence Day"); the fixture names the day.
EARLY_CLOSE_NAMES = {
    "Mondays, Tuesdays, and Thursdays Before Independence Day": "Day before Independence Day",
    "Wednesdays Before Independence Day including and after 2013": "Day before Independence Day",
    "Fridays after Independence Day prior to 2013": "Day after Independence Day",
    "Black Friday": "Day after Thanksgiving",
    "Christmas Eve": "Christmas Eve",
}


def main() -> None:
    cal = xcals.get_calendar("XNYS", start=START, end=END)
    sessions = {ts.date() for ts in cal.sessions}

    regular = cal.regular_holidays.holidays(pd.Timestamp(START), pd.Timestamp(END), return_name=True)
    regular_names = {ts.date(): name for ts, name in regular.items()}
    adhoc = {ts.date() for ts in pd.DatetimeIndex(cal.adhoc_holidays)}

    rows = []
    d, end = date.fromisoformat(START), date.fromisoformat(END)
    while d <= end:
        if d.weekday() < 5 and d not in sessions:
            if d in adhoc:
                rows.append((d, "special_closure", ADHOC_NAMES[d.isoformat()]))
            elif d in regular_names:
                rows.append((d, "holiday", regular_names[d]))
            else:
                sys.exit(f"{d}: weekday closure neither regular nor ad hoc")
        d += timedelta(days=1)

    opens = cal.opens.dt.tz_convert(NY)
    closes = cal.closes.dt.tz_convert(NY)
    early_names = {}
    for _, holiday_calendar in cal.special_closes:
        for ts, name in holiday_calendar.holidays(pd.Timestamp(START), pd.Timestamp(END), return_name=True).items():
            early_names[ts.date()] = EARLY_CLOSE_NAMES[name]
    for label, close in closes.items():
        day = label.date()
        if opens[label].time() != time(9, 30):
            sys.exit(f"{day}: opens at {opens[label].time()}")
        if close.time() == time(16, 0):
            continue
        if close.time() != time(13, 0):
            sys.exit(f"{day}: closes at {close.time()}, not 13:00")
        rows.append((day, "early_close", early_names.get(day, "Ad hoc early close (exchange decision)")))

    rows.sort()
    print("date,kind,name")
    for day, kind, name in rows:
        if "," in name or '"' in name:
            sys.exit(f"{day}: name {name!r} would need CSV quoting")
        print(f"{day.isoformat()},{kind},{name}")


if __name__ == "__main__":
    main()
