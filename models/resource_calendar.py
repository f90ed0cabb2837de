from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import datetime, timedelta

from pytz import timezone, utc

from odoo import api, fields, models, tools
from odoo.fields import Domain
from odoo.tools.date_utils import float_to_time
from odoo.tools.intervals import Intervals

HORIZON = timedelta(days=14)  # first stretch computed, as ``plan_hours`` does
PLAN_LIMIT = timedelta(days=1400)  # ``plan_hours`` gives up after 100 stretches
MICROSECOND = timedelta(microseconds=1)
HOUR = 3_600_000_000  # microseconds


class BusinessTime:
    """The business-hours engine: the worked time of one schedule (or of none, where
    every hour counts) with its public holidays and make-up working days, from
    one computation of its work intervals (``_work_intervals_batch``) over the
    moments asked, extended on demand. Moments are naive UTC datetimes as
    stored; worked time is counted in whole microseconds, so that sums are
    exact."""

    def __init__(self, calendar):
        self.calendar = calendar
        self.start = self.stop = None
        self.begins, self.ends, self.cumul = [], [], [0]

    def cover(self, start, stop):
        """Compute the work intervals over at least [start, stop]: from an
        earlier start, again from there; to a later stop, the rest only (at
        least ``HORIZON`` more, so that moments asked one by one cost few
        computations)."""
        if self.start is None or start < self.start:
            if self.start is not None:
                start, stop = min(start, self.start - HORIZON), max(stop, self.stop)
            self.start = self.stop = start
            self.begins, self.ends, self.cumul = [], [], [0]
        if stop > self.stop:
            self._append(max(stop, self.stop + HORIZON))

    def _append(self, stop):
        if self.calendar:
            intervals = self.calendar._work_intervals_batch(
                utc.localize(self.stop), utc.localize(stop)
            )[False]
            bounds = [
                (
                    begin.astimezone(utc).replace(tzinfo=None),
                    end.astimezone(utc).replace(tzinfo=None),
                )
                for begin, end, _records in intervals
            ]
        else:
            bounds = [(self.stop, stop)]
        for begin, end in bounds:
            self.begins.append(begin)
            self.ends.append(end)
            self.cumul.append(self.cumul[-1] + (end - begin) // MICROSECOND)
        self.stop = stop

    def worked(self, moment):
        """Microseconds worked from the start of the computed period to
        ``moment``."""
        self.cover(moment, moment)
        index = bisect_right(self.begins, moment) - 1
        if index < 0:
            return 0
        stretch = min(moment, self.ends[index]) - self.begins[index]
        return self.cumul[index] + stretch // MICROSECOND

    def hours(self, start, stop):
        """Business hours between ``start`` and ``stop``."""
        self.cover(min(start, stop), max(start, stop))
        return (self.worked(stop) - self.worked(start)) / HOUR

    def _reaching(self, start, target):
        """Index in ``cumul`` of the end of the first stretch ending after
        ``start`` that reaches ``target`` (past the end if none is computed)."""
        return max(bisect_left(self.cumul, target), bisect_right(self.ends, start) + 1)

    def plan(self, start, hours):
        """The moment ``hours`` business hours after ``start``, to the second, as
        ``plan_hours``: the start of the next working stretch for 0 hours, the end
        of a stretch rather than the start of the next one; ``hours`` of clock
        time when the schedule has no working time within ``PLAN_LIMIT``."""
        target = self.worked(start) + round(hours * HOUR)
        limit = start + PLAN_LIMIT
        reached = self._reaching
        while (index := reached(start, target)) == len(self.cumul) and (
            self.stop < limit
        ):
            # twice the period each time: few computations for long plans
            grow = max(HORIZON, self.stop - self.start)
            self.cover(self.start, min(limit, self.stop + grow))
        moment = None
        if index < len(self.cumul):
            moment = self.begins[index - 1] + MICROSECOND * (
                target - self.cumul[index - 1]
            )
        if moment is None or moment > limit:
            moment = start + timedelta(hours=hours)
        # schedules ending a day at 23:59:59.999999 leave stray microseconds
        return (moment + timedelta(microseconds=500000)).replace(microsecond=0)


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    workday_ids = fields.One2many(
        "resource.calendar.workday", "calendar_id", "Make-up Working Days"
    )
    vip_has_workdays = fields.Boolean(
        "Has Make-up Working Days",
        readonly=True,
        copy=False,
        help="Kept by the make-up working days: a schedule without any is planned "
        "without looking them up.",
    )
    vip_holiday_year_ids = fields.One2many(
        "vip.holiday.year", "calendar_id", "Imported Holiday Years"
    )
    vip_holiday_years = fields.Char(
        "Imported Public Holidays",
        compute="_compute_vip_holiday_years",
        help="Countries and years of public holidays imported into this schedule.",
    )

    @api.depends("vip_holiday_year_ids.country_code", "vip_holiday_year_ids.year")
    def _compute_vip_holiday_years(self):
        for calendar in self:
            calendar.vip_holiday_years = calendar.vip_holiday_year_ids._vip_summary()

    # ------------------------------------------------------------------
    # Business hours: the one engine of the SLA, the workbook and the reports
    # ------------------------------------------------------------------

    def _vip_business_time(self):
        """The business time of this schedule (none: every hour counts), with its
        public holidays and make-up working days; keep it for a batch, so that
        every moment asked of it comes from one computation of the work
        intervals."""
        if self:
            self.ensure_one()
        return BusinessTime(self)

    def _vip_plan_business_hours(self, start, hours):
        """The moment, to the second, ``hours`` business hours after ``start``."""
        return self._vip_business_time().plan(start, hours)

    def _vip_business_hours_between(self, start, end):
        """Business hours from ``start`` to ``end``."""
        return self._vip_business_time().hours(start, end)

    def _vip_business_hours_batch(self, spans):
        """[business hours from start to end, None without both] of ``spans``
        [(start, end)], from one computation of the work intervals."""
        time = self._vip_business_time()
        moments = [moment for span in spans for moment in span if moment]
        if moments:
            time.cover(min(moments), max(moments))
        return [
            time.hours(start, end) if start and end else None for start, end in spans
        ]

    # ------------------------------------------------------------------
    # Working time: make-up working days
    # ------------------------------------------------------------------

    def _attendance_intervals_batch(
        self, start_dt, end_dt, resources=None, domain=None, tz=None, lunch=False
    ):
        """Add the make-up working days (``resource.calendar.workday``) with the
        attendances of their template weekday, so that ``plan_hours``,
        ``get_work_hours_count``, ``_work_intervals_batch`` and every other
        consumer count them as working time."""
        result = super()._attendance_intervals_batch(
            start_dt, end_dt, resources=resources, domain=domain, tz=tz, lunch=lunch
        )
        if self.flexible_hours or not self.vip_has_workdays:
            return result
        # the local dates the range can touch, whatever the timezone
        first, last = (
            start_dt.date() - timedelta(days=1),
            end_dt.date() + timedelta(days=1),
        )
        workdays = [
            (day, template)
            for day, template in self._vip_workdays()
            if first <= day <= last
        ]
        if not workdays:
            return result
        base = self._vip_workday_attendances(workdays, domain, lunch)
        if not base:
            return result
        resources_list = [self.env["resource.resource"]] + list(resources or [])
        calendars = (resources or self.env["resource.resource"])._get_calendar_at(
            start_dt, tz
        )
        for resource in resources_list:
            if resource and (
                not calendars.get(resource) or calendars[resource].flexible_hours
            ):
                continue  # flexible: the standard method gave the whole period
            local_tz = tz or timezone((resource or self).tz)
            low, high = start_dt.astimezone(local_tz), end_dt.astimezone(local_tz)
            extra = []
            for day_from, day_to, attendance in base:
                begin = max(low, local_tz.localize(day_from))
                stop = min(high, local_tz.localize(day_to))
                if begin < stop:
                    extra.append((begin, stop, attendance))
            if extra:
                result[resource.id] = result[resource.id] | Intervals(
                    extra, keep_distinct=True
                )
        return result

    def _vip_workday_attendances(self, workdays, domain, lunch):
        """[(local start, local stop, attendance)] of the make-up ``workdays``
        ([(day, template weekday)]), with the hours of their template weekday; a
        day that works anyway is never counted twice."""
        Attendance = self.env["resource.calendar.attendance"]
        attendances = Attendance.search(
            Domain.AND(
                [
                    Domain(domain or Domain.TRUE),
                    Domain("calendar_id", "=", self.id),
                    Domain("display_type", "=", False),
                    Domain("day_period", "!=" if not lunch else "=", "lunch"),
                ]
            )
        )
        per_day = defaultdict(lambda: Attendance)
        for attendance in attendances:
            week_types = (
                [int(attendance.week_type)] if self.two_weeks_calendar else [0, 1]
            )
            for week_type in week_types:
                per_day[int(attendance.dayofweek), week_type] |= attendance
        base = []
        for day, template in workdays:
            week_type = Attendance.get_week_type(day)
            if per_day[day.weekday(), week_type]:
                continue
            for attendance in per_day[int(template), week_type]:
                base.append(
                    (
                        datetime.combine(day, float_to_time(attendance.hour_from)),
                        datetime.combine(day, float_to_time(attendance.hour_to)),
                        attendance,
                    )
                )
        return base

    def _vip_workdays(self):
        """((date, template weekday), …) of the schedule."""
        return self._vip_workdays_by_calendar().get(self.id, ())

    @tools.ormcache()
    def _vip_workdays_by_calendar(self):
        """{calendar id: ((date, template weekday), …)} of every schedule, read
        in one query and cached: deadlines are planned often, make-up days change
        once a year (the cache is cleared when they change)."""
        # sudo: the make-up days are part of the schedule anyone planning on it uses
        workdays = (
            self.env["resource.calendar.workday"]
            .sudo()
            .search_fetch([], ["calendar_id", "date", "dayofweek_template"])
        )
        result = defaultdict(list)
        for workday in workdays:
            result[workday.calendar_id.id].append(
                (workday.date, workday.dayofweek_template)
            )
        return {calendar: tuple(days) for calendar, days in result.items()}

    def _vip_sync_has_workdays(self):
        """Set ``vip_has_workdays`` of these schedules from their make-up days
        (one query to count, one write per changed value); clear the cache."""
        with_days = {
            calendar.id
            for [calendar] in self.env["resource.calendar.workday"]
            .sudo()
            ._read_group([("calendar_id", "in", self.ids)], ["calendar_id"])
        }
        calendars = self.sudo().exists()
        for flag in (True, False):
            changed = calendars.filtered(
                lambda c, flag=flag: (
                    (c.id in with_days) == flag and c.vip_has_workdays != flag
                )
            )
            if changed:
                changed.write({"vip_has_workdays": flag})
        self.env.registry.clear_cache()

    # ------------------------------------------------------------------
    # Public holidays
    # ------------------------------------------------------------------

    def action_vip_import_holidays(self):
        """Open the public-holiday import for this schedule."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Public Holidays"),
            "res_model": "vip.holiday.import.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_calendar_id": self.id},
        }

    @api.model
    def _cron_vip_import_next_year_holidays(self, batch_size=20):
        """Import next year's public holidays and make-up working days into every
        schedule that imported a country's holidays before. Depends only on the
        date of the run: a schedule that has next year already is skipped, so a
        second run, or a run after an interrupted one, imports nothing twice."""
        next_year = fields.Date.context_today(self).year + 1
        Year = self.env["vip.holiday.year"]
        imported = set(
            Year._read_group(
                [("year", "=", next_year)], ["calendar_id", "country_code"]
            )
        )
        todo = {}
        for calendar, country, lang in Year._read_group(
            [("year", "<", next_year)], ["calendar_id", "country_code", "lang"]
        ):
            if (calendar, country) not in imported:
                todo.setdefault((calendar, country), lang)
        todo = list(todo.items())
        done = 0
        while todo:
            batch, todo = todo[:batch_size], todo[batch_size:]
            for (calendar, country), lang in batch:
                Year.with_context(lang=lang or None)._vip_import(
                    calendar, country, next_year, next_year
                )
            done += len(batch)
            if not self.env["ir.cron"]._vip_commit_progress(
                len(batch), remaining=len(todo)
            ):
                break
        return done
