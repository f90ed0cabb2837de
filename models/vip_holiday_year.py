from datetime import date, datetime, time

import holidays as holidays_lib
from pytz import timezone, utc

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.moments import format_day

PACKAGE_FALLBACK_LANG = "en_US"


def day_bounds(tz, day):
    """(first, last moment) in UTC, naive, of ``day`` in the timezone ``tz``."""
    start = tz.localize(datetime.combine(day, time.min)).astimezone(utc)
    stop = tz.localize(datetime.combine(day, time(23, 59, 59))).astimezone(utc)
    return start.replace(tzinfo=None), stop.replace(tzinfo=None)


class VipHolidayYear(models.Model):
    """One year of one country's public holidays imported into a working schedule
    (``vip.holiday.import.wizard``). It owns the time off and make-up working days
    it created, so that a re-import updates them in place and the yearly job knows
    which schedules to keep up to date."""

    _name = "vip.holiday.year"
    _inherit = ["vip.workflow.guard"]
    _description = "Imported Public Holiday Year"
    _order = "calendar_id, country_code, year"
    _rec_name = "year"

    calendar_id = fields.Many2one(
        "resource.calendar",
        "Working Hours",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="calendar_id.company_id", store=True)
    country_code = fields.Char(required=True, size=3)
    year = fields.Integer(required=True)
    leave_ids = fields.One2many(
        "resource.calendar.leaves", "vip_holiday_year_id", "Public Holidays"
    )
    workday_ids = fields.One2many(
        "resource.calendar.workday", "holiday_year_id", "Make-up Working Days"
    )
    lang = fields.Char("Language", help="Language of the imported names.")
    imported_on = fields.Datetime(readonly=True)

    _calendar_country_year_unique = models.Constraint(
        "UNIQUE(calendar_id, country_code, year)",
        "A working schedule imports each country's year once.",
    )

    @api.depends("country_code", "year")
    def _compute_display_name(self):
        for record in self:
            record.display_name = f"{record.country_code} {record.year}"

    def unlink(self):
        calendars = self.calendar_id
        res = super().unlink()
        # their make-up days go with them (ondelete cascade): flags and cache follow
        calendars._vip_sync_has_workdays()
        return res

    def _vip_summary(self):
        """“CN 2025–2026, TW 2026”: the countries and years of these records."""
        years = {}
        for record in self:
            years.setdefault(record.country_code, set()).add(record.year)
        parts = []
        for country in sorted(years):
            runs = []
            for year in sorted(years[country]):
                if runs and runs[-1][1] == year - 1:
                    runs[-1][1] = year
                else:
                    runs.append([year, year])
            text = ", ".join(
                str(low) if low == high else f"{low}–{high}" for low, high in runs
            )
            parts.append(f"{country} {text}")
        return "; ".join(parts)

    # ------------------------------------------------------------------
    # Import from the holidays package
    # ------------------------------------------------------------------

    @api.model
    def _vip_country_holidays(self, country_code, years):
        """The package's holidays of ``country_code`` for ``years``, named in the
        user's language where the package has it. Raises a UserError naming the
        field when the package does not know the country."""
        code = (country_code or "").strip().upper()
        supported = holidays_lib.list_supported_countries()
        if code not in supported:
            raise UserError(
                self.env._(
                    "Country Code: “%(code)s” is not a country the holidays package "
                    "knows; use a two-letter ISO code such as CN or TW.",
                    code=country_code or "",
                )
            )
        klass = holidays_lib.country_holidays(code).__class__
        return holidays_lib.country_holidays(
            code,
            years=years,
            language=self._vip_package_language(klass.supported_languages),
        )

    @api.model
    def _vip_package_language(self, supported):
        """The package language for the user's language: exact (zh_CN, zh_TW,
        en_US), else the same language (fr for fr_BE), else English, else the
        country's own."""
        lang = self.env.lang or PACKAGE_FALLBACK_LANG
        if lang in supported:
            return lang
        prefix = lang.split("_")[0]
        for candidate in supported:
            if candidate.split("_")[0] == prefix:
                return candidate
        return PACKAGE_FALLBACK_LANG if PACKAGE_FALLBACK_LANG in supported else None

    @api.model
    def _vip_workday_templates(self, country_holidays):
        """{make-up working day: weekday of the day off it was swapped with}, read
        from the package's substituted-holiday tables (``special_*_holidays``:
        ``(to_month, to_day, from_month, from_day[, from_year])`` per year)."""
        templates = {}
        for attribute in dir(country_holidays):
            if not (
                attribute.startswith("special_") and attribute.endswith("_holidays")
            ):
                continue
            table = getattr(country_holidays, attribute, None)
            if not isinstance(table, dict):
                continue
            for year, entries in table.items():
                if entries and not isinstance(entries[0], tuple):
                    entries = (entries,)
                for entry in entries or ():
                    if len(entry) < 4:
                        continue  # a special holiday, not a swap
                    to_month, to_day, from_month, from_day, *from_year = entry
                    from_date = date(
                        from_year[0] if from_year else year, from_month, from_day
                    )
                    templates[from_date] = date(year, to_month, to_day)
        return templates

    @api.model
    def _vip_import(self, calendar, country_code, year_from, year_to):
        """Create or update, per year, the public holidays of ``country_code`` as
        global time off of ``calendar`` (whole days in its timezone) and its
        make-up working days. Idempotent: a second import changes nothing."""
        years = list(range(year_from, year_to + 1))
        country_holidays = self._vip_country_holidays(country_code, years)
        existing = self._vip_import_years(calendar, country_holidays.country, years)
        records = self.browse([existing[y].id for y in years]).sudo()
        self._vip_import_leaves(calendar, country_holidays, existing, records)
        self._vip_import_workdays(calendar, country_holidays, existing, records)
        return records

    @api.model
    def _vip_import_years(self, calendar, code, years):
        """{year: vip.holiday.year} of the calendar and country, created where
        missing."""
        # sudo: the wizard's access rights gate the import; it writes only its records
        Year = self.sudo()
        existing = {
            record.year: record
            for record in Year.search(
                [
                    ("calendar_id", "=", calendar.id),
                    ("country_code", "=", code),
                    ("year", "in", years),
                ]
            )
        }
        now = fields.Datetime.now()
        missing = [y for y in years if y not in existing]
        for record in Year.create(
            [
                {
                    "calendar_id": calendar.id,
                    "country_code": code,
                    "year": y,
                    "lang": self.env.lang,
                    "imported_on": now,
                }
                for y in missing
            ]
        ):
            existing[record.year] = record

        return existing

    @api.model
    def _vip_import_leaves(self, calendar, country_holidays, existing, records):
        """One whole day of global time off per public holiday, updated in place,
        those no longer in the package removed; days entered by hand are kept."""
        tz = timezone(calendar.tz or "UTC")
        year_from, year_to = min(existing), max(existing)
        Leave = self.env["resource.calendar.leaves"].sudo()
        first = day_bounds(tz, date(year_from, 1, 1))[0]
        last = day_bounds(tz, date(year_to, 12, 31))[1]
        leaves = Leave.search(
            [
                ("resource_id", "=", False),
                ("calendar_id", "in", [False, calendar.id]),
                ("date_from", "<=", last),
                ("date_to", ">=", first),
            ]
        )
        ours = {
            (leave.vip_holiday_year_id, leave.date_from): leave
            for leave in leaves
            if leave.vip_holiday_year_id in records
        }
        others = leaves.filtered(
            lambda leave: (
                not leave.vip_holiday_year_id
                and leave.company_id in (calendar.company_id or self.env.company)
            )
        )
        wanted, to_create = set(), []
        for day, name in sorted(country_holidays.items()):
            if day.year not in existing:
                continue
            record = existing[day.year]
            date_from, date_to = day_bounds(tz, day)
            wanted.add((record, date_from))
            leave = ours.get((record, date_from))
            if leave:
                if leave.name != name or leave.date_to != date_to:
                    leave.write({"name": name, "date_to": date_to})
                continue
            if any(o.date_from <= date_from and o.date_to >= date_to for o in others):
                continue  # already entered by hand
            to_create.append(
                {
                    "name": name,
                    "calendar_id": calendar.id,
                    "company_id": calendar.company_id.id or self.env.company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "time_type": "leave",
                    "vip_holiday_year_id": record.id,
                }
            )
        Leave.create(to_create)
        Leave.browse(
            [leave.id for key, leave in ours.items() if key not in wanted]
        ).unlink()

    @api.model
    def _vip_import_workdays(self, calendar, country_holidays, existing, records):
        """The make-up working days, with the hours of the weekday each was swapped
        with (Monday's when the package does not say)."""
        templates = self._vip_workday_templates(country_holidays)
        year_from, year_to = min(existing), max(existing)
        Workday = self.env["resource.calendar.workday"].sudo()
        workdays = {
            workday.date: workday
            for workday in Workday.search(
                [
                    ("calendar_id", "=", calendar.id),
                    ("date", ">=", date(year_from, 1, 1)),
                    ("date", "<=", date(year_to, 12, 31)),
                ]
            )
        }
        wanted_days, to_create, names = set(), [], {}
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for day in sorted(country_holidays.weekend_workdays):
            if day.year not in existing:
                continue
            swapped = templates.get(day)
            # the reason in every active language, the current one written first
            names[day] = {
                lang: self.with_context(lang=lang)._vip_workday_name(swapped)
                for lang in langs
            }
            vals = {
                "name": self._vip_workday_name(swapped),
                "dayofweek_template": str(swapped.weekday()) if swapped else "0",
            }
            wanted_days.add(day)
            workday = workdays.get(day)
            if not workday:
                to_create.append(
                    dict(
                        vals,
                        calendar_id=calendar.id,
                        date=day,
                        holiday_year_id=existing[day.year].id,
                    )
                )
            elif workday.holiday_year_id in records and any(
                workday[fname] != value for fname, value in vals.items()
            ):
                workday.write(vals)
                workday.update_field_translations("name", names[day])
        for workday in Workday.create(to_create):
            workday.update_field_translations("name", names[workday.date])
        Workday.browse(
            [
                workday.id
                for day, workday in workdays.items()
                if workday.holiday_year_id in records and day not in wanted_days
            ]
        ).unlink()

    @api.model
    def _vip_workday_name(self, swapped):
        if not swapped:
            return self.env._("Make-up working day")
        return self.env._(
            "Make-up working day (swapped with %(date)s)",
            date=format_day(self.env, swapped),
        )
