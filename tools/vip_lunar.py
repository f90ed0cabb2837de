"""Dates of the Chinese lunar calendar, through ``lunar-python`` (never a table
typed by hand). Rules of the care calendar:

- a lunar date recurs on the same month and day of every lunar year; a date of
  a leap month (闰月) recurs in the plain month of that number;
- a 30th falls on the 29th in a month of 29 days, which is how 除夕 (the last
  day of the twelfth month) is written: month 12, day 30;
- a solar 29 February falls on 28 February in common years.

Conversions are cached: the care calendar asks for the same few hundred dates
over and over (one per month and day, whatever the number of contacts)."""

import calendar
import functools
from datetime import date

from lunar_python import Lunar, LunarMonth, Solar
from lunar_python.util import LunarUtil

# festival: (lunar month, lunar day)
FESTIVALS = {
    "spring_festival": (1, 1),  # 春节
    "lantern": (1, 15),  # 元宵节
    "dragon_boat": (5, 5),  # 端午节
    "qixi": (7, 7),  # 七夕
    "mid_autumn": (8, 15),  # 中秋节
    "double_ninth": (9, 9),  # 重阳节
    "laba": (12, 8),  # 腊八节
    "new_year_eve": (12, 30),  # 除夕: the last day of the twelfth month
}
# lunar-python knows these years (1900-2100 is safe both ways)
FIRST_YEAR, LAST_YEAR = 1901, 2099


@functools.lru_cache(maxsize=65536)
def solar_to_lunar(day):
    """(lunar year, month, day, leap) of the solar ``day``; the month is always
    the plain number (1-12), ``leap`` tells whether it was a leap month."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    month = lunar.getMonth()
    return lunar.getYear(), abs(month), lunar.getDay(), month < 0


@functools.lru_cache(maxsize=4096)
def lunar_to_solar(year, month, day):
    """The solar date of ``day`` of the plain ``month`` of lunar ``year``; a day
    past the month's last (a 30th in a month of 29 days) is its last day."""
    last = LunarMonth.fromYm(year, month).getDayCount()
    solar = Lunar.fromYmd(year, month, min(day, last)).getSolar()
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def solar_in_year(year, month, day):
    """``month``/``day`` in solar ``year``; 29 February is 28 February in common
    years, and any day past the month's end its last day."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


@functools.lru_cache(maxsize=65536)
def next_occurrence(month, day, lunar, on_or_after):
    """(date, year) of the first occurrence of ``month``/``day`` on or after
    ``on_or_after``: lunar (``lunar`` true) or solar. ``year`` is the year of
    the occurrence in its own calendar: the lunar year for a lunar date, since a
    solar year may hold two of them (lunar 11/15 fell on 2026-01-03 and falls
    again on 2026-12-23). None out of the library's range."""
    if lunar:
        first = solar_to_lunar(on_or_after)[0]
        for year in (first, first + 1):
            if not FIRST_YEAR <= year <= LAST_YEAR:
                return None
            occurrence = lunar_to_solar(year, month, day)
            if occurrence >= on_or_after:
                return occurrence, year
        return None
    for year in (on_or_after.year, on_or_after.year + 1):
        occurrence = solar_in_year(year, month, day)
        if occurrence >= on_or_after:
            return occurrence, year
    return None


def lunar_month_day_text(month, day):
    """The lunar month and day in Chinese, as a calendar prints them: 正月十二."""
    return f"{LunarUtil.MONTH[month]}月{LunarUtil.DAY[day]}"
