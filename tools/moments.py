"""Moments and days as a reader reads them: one clock for every text the module
writes (notes, activities, mails, portal pages, reports).

A moment is shown in the reader's time zone, in the date and time formats of the
reader's language (``res.lang``), without seconds: ``2026/03/09 17:00`` for a
Chinese reader, ``03/09/2026 05:00 PM`` for an American one. Nothing here reads
the server's or the caller's time zone implicitly: give ``tz`` (else the
environment's context ``tz``, else the user's, else UTC)."""

import pytz

from odoo.tools import format_date, format_datetime
from odoo.tools.misc import babel_locale_parse, get_lang, posix_to_ldml


def moment_pattern(env, lang_code=None):
    """The LDML pattern of a moment in the language: its date format, then its
    time format without seconds."""
    lang = get_lang(env, lang_code)
    locale = babel_locale_parse(lang.code)
    date_part = posix_to_ldml(lang.date_format, locale=locale)
    time_part = posix_to_ldml(lang.time_format, locale=locale)
    time_part = time_part.replace(":ss", "").replace(":s", "")
    return f"{date_part} {time_part}"


def format_moment(env, value, tz=None, lang_code=None):
    """``value`` (a naive UTC datetime, as stored) for a reader in ``tz`` reading
    ``lang_code`` (default: the environment's language)."""
    if not value:
        return ""
    tz = tz or env.context.get("tz") or env.user.tz or "UTC"
    if tz not in pytz.all_timezones_set:
        tz = "UTC"
    lang = get_lang(env, lang_code)
    return format_datetime(
        env, value, tz=tz, dt_format=moment_pattern(env, lang.code), lang_code=lang.code
    )


def format_day(env, value, lang_code=None):
    """A date in the date format of the reader's language (never ISO)."""
    if not value:
        return ""
    return format_date(env, value, lang_code=lang_code or get_lang(env).code)


# strftime directives of ``res.lang.date_format`` in Excel's number-format notation
EXCEL_DATE_CODES = {
    "%Y": "yyyy",
    "%y": "yy",
    "%m": "mm",
    "%d": "dd",
    "%e": "d",
    "%B": "mmmm",
    "%b": "mmm",
    "%A": "dddd",
    "%a": "ddd",
}


def excel_date_format(env, lang_code=None):
    """The date format of the reader's language for Excel cells (``yyyy/mm/dd``
    for Chinese, ``mm/dd/yyyy`` for American English)."""
    posix = get_lang(env, lang_code).date_format or "%Y-%m-%d"
    result, index = [], 0
    while index < len(posix):
        code = posix[index : index + 2]
        if code in EXCEL_DATE_CODES:
            result.append(EXCEL_DATE_CODES[code])
            index += 2
        elif code.startswith("%"):
            index += 2  # a directive Excel cannot show: left out
        else:
            char = posix[index]
            # literal characters (年, 月, 日, separators) quoted for Excel
            result.append(char if char in "/-.: ," else f'"{char}"')
            index += 1
    return "".join(result) or "yyyy-mm-dd"
