import io
from datetime import date, datetime, timedelta

import openpyxl
from freezegun import freeze_time
from pytz import timezone

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import format_date

from ..tools.vip_review_workbook import VipReviewWorkbook
from .common import VipComplaintCommon

# What the holidays package (0.109) says, printed with
#   holidays.country_holidays("CN", years=2025, language="zh_CN")
#   2025-10-01 Wed 国庆节  2025-10-02 Thu 国庆节  2025-10-03 Fri 国庆节
#   2025-10-06 Mon 中秋节
#   2025-10-07 Tue 休息日（由 2025-09-28 调休）
#   2025-10-08 Wed 休息日（由 2025-10-11 调休）
#   weekend_workdays: 2025-09-28 (Sun), 2025-10-11 (Sat)
#   (Oct 4-5 are the weekend: Oct 1-8 off, eight days)
# CN 2026, Spring Festival:
#   2026-02-16 Mon 农历除夕  2026-02-17..19 Tue-Thu 春节
#   2026-02-20 Fri 休息日（由 2026-02-14 调休）
#   2026-02-23 Mon 休息日（由 2026-02-28 调休）
#   weekend_workdays: 2026-02-14 (Sat, works Friday 02-20's hours), 2026-02-28 (Sat,
#   works Monday 02-23's hours)
# TW 2025 (zh_TW), Lunar New Year:
#   2025-01-27 Mon 放假日（2025-02-08 補班）  2025-01-28 Tue 農曆除夕
#   2025-01-29..31 春節
#   weekend_workdays: 2025-02-08 (Sat, works Monday 01-27's hours)


@tagged("post_install", "-at_install", "vip_holiday")
class TestHolidayCalendar(VipComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the issue's calendar: 9-12 and 13-18, Monday to Friday, Asia/Shanghai
        cls.shanghai = cls.env["resource.calendar"].create(
            {
                "name": "Shanghai office",
                "tz": "Asia/Shanghai",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{day} {start}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": stop,
                            "day_period": "morning" if start < 12 else "afternoon",
                        }
                    )
                    for day in range(5)
                    for start, stop in ((9, 12), (13, 18))
                ],
            }
        )
        cls.Wizard = cls.env["vip.holiday.import.wizard"]

    def _import(self, calendar, country, year_from, year_to=None, user=None, lang=None):
        Wizard = self.Wizard.with_user(user or self.user_admin)
        if lang:
            Wizard = Wizard.with_context(lang=lang)
        wizard = Wizard.create(
            {
                "calendar_id": calendar.id,
                "country_code": country,
                "year_from": year_from,
                "year_to": year_to or year_from,
            }
        )
        return wizard.action_import()

    def _leave_days(self, calendar, start, stop):
        leaves = self.env["resource.calendar.leaves"].search(
            [
                ("calendar_id", "=", calendar.id),
                ("resource_id", "=", False),
                ("date_from", ">=", datetime.combine(start, datetime.min.time())),
                ("date_from", "<=", datetime.combine(stop, datetime.max.time())),
            ]
        )
        return leaves

    def _shanghai_policy(self, response_hours, resolution_hours):
        return self.env["vip.sla.policy"].create(
            {
                "name": "Shanghai desk",
                "sequence": 1,
                "response_hours": response_hours,
                "resolution_hours": resolution_hours,
                "calendar_id": self.shanghai.id,
            }
        )

    @staticmethod
    def _shanghai_time(*args):
        return timezone("Asia/Shanghai").localize(datetime(*args))

    def _workdays(self, calendar):
        return {w.date: w for w in calendar.workday_ids}

    def test_cn_2025_national_day(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self._import(self.shanghai, "CN", 2025, lang="zh_CN")
        workdays = self._workdays(self.shanghai)
        # make-up days: Sunday 2025-09-28 works Tuesday 10-07's hours, Saturday
        # 2025-10-11 Wednesday 10-08's
        self.assertEqual(workdays[date(2025, 9, 28)].dayofweek_template, "1")
        self.assertEqual(workdays[date(2025, 10, 11)].dayofweek_template, "2")
        # the 8 days off, each a whole local day: Shanghai midnight is 16:00 UTC
        leaves = self._leave_days(self.shanghai, date(2025, 9, 29), date(2025, 10, 9))
        self.assertEqual(
            leaves.mapped("date_from"),
            [datetime(2025, 9, 30, 16, 0)]
            + [datetime(2025, 10, d, 16, 0) for d in (1, 2, 5, 6, 7)],
        )
        national = leaves.filtered(lambda leave: leave.name == "国庆节")
        self.assertEqual(len(national), 3)
        self.assertEqual(leaves[0].date_to, datetime(2025, 10, 1, 15, 59, 59))
        # working hours: the week of Sep 29 counts Mon, Tue and Sun Sep 28 (8h each)
        tz_sh = self._shanghai_time
        self.assertEqual(
            self.shanghai.get_work_hours_count(
                tz_sh(2025, 9, 27, 0), tz_sh(2025, 10, 12, 23)
            ),
            # Sep 28 (make-up), 29, 30, Oct 9, 10 (Thu, Fri), Oct 11 (make-up)
            6 * 8,
        )
        # the work intervals include the make-up Sunday, 9-12 and 13-18
        intervals = self.shanghai._work_intervals_batch(
            tz_sh(2025, 9, 28, 0), tz_sh(2025, 9, 29, 0)
        )[False]
        self.assertEqual(
            [(start.hour, stop.hour) for start, stop, _att in intervals],
            [(9, 12), (13, 18)],
        )

    def test_cn_2026_spring_festival(self):
        self._import(self.shanghai, "CN", 2026)
        workdays = self._workdays(self.shanghai)
        # Saturday 2026-02-14 works Friday 02-20's hours, Saturday 02-28 Monday 02-23's
        self.assertEqual(workdays[date(2026, 2, 14)].dayofweek_template, "4")
        self.assertEqual(workdays[date(2026, 2, 28)].dayofweek_template, "0")
        # the day it was swapped with, in the date format of the reader's language
        swapped = format_date(self.env, date(2026, 2, 20))
        self.assertIn(swapped, workdays[date(2026, 2, 14)].name)
        self.assertEqual(
            sorted(workdays),
            [
                date(2026, 1, 4),
                date(2026, 2, 14),
                date(2026, 2, 28),
                date(2026, 5, 9),
                date(2026, 9, 20),
                date(2026, 10, 10),
            ],
        )
        # Feb 15 - Feb 23 is closed: nine days, Feb 16-20 and 23 as time off
        leaves = self._leave_days(self.shanghai, date(2026, 2, 14), date(2026, 2, 24))
        self.assertEqual(len(leaves), 6)
        self.assertEqual(
            self.shanghai.get_work_hours_count(
                self._shanghai_time(2026, 2, 14, 0), self._shanghai_time(2026, 2, 24, 0)
            ),
            8,
        )

    @freeze_time("2026-02-13 09:00:00")
    def test_issue_example_deadline_on_make_up_saturday(self):
        """Friday 2026-02-13 17:00 Shanghai, 4 working hours: 1 hour on Friday, 3
        on the make-up Saturday (9-12): due Saturday 12:00, 04:00 UTC. Without
        the make-up day it was Tuesday 2026-02-24 12:00."""
        self._import(self.shanghai, "CN", 2026)
        self._shanghai_policy(4, 16)
        complaint = self._complaint(received_on=datetime(2026, 2, 13, 9, 0))
        self.assertEqual(complaint.calendar_id, self.shanghai)
        self.assertEqual(complaint.response_deadline, datetime(2026, 2, 14, 4, 0))
        # resolution, 16 hours: Fri 1, Sat 8, then Tue 2026-02-24 9-12, 13-17
        self.assertEqual(complaint.resolution_deadline, datetime(2026, 2, 24, 9, 0))
        # the same complaint without the make-up day
        self.shanghai.workday_ids.unlink()
        self.assertEqual(
            self.shanghai.plan_hours(
                4, datetime(2026, 2, 13, 9, 0), compute_leaves=True
            ),
            datetime(2026, 2, 24, 4, 0),
        )

    def test_business_hours_engine_agrees_with_odoo(self):
        """The schedule's engine (one computation of the work intervals for many
        moments) gives Odoo's ``plan_hours`` to the second and
        ``get_work_hours_count``, across National Day 2025 and its make-up
        Sunday and Saturday; without a schedule every hour counts."""
        self._import(self.shanghai, "CN", 2025)
        starts = [
            datetime(2025, 9, 25, 0, 0) + timedelta(hours=7 * step, minutes=step)
            for step in range(60)
        ]
        for start in starts:
            for hours in (0, 0.5, 3, 8, 17.25, 40):
                expected = self.shanghai.plan_hours(hours, start, compute_leaves=True)
                self.assertEqual(
                    self.shanghai._vip_plan_business_hours(start, hours),
                    (expected + timedelta(microseconds=500000)).replace(microsecond=0),
                    f"{hours} hours from {start}",
                )
        spans = list(zip(starts, starts[7:], strict=False))
        counted = self.shanghai._vip_business_hours_batch([*spans, (starts[0], None)])
        self.assertIsNone(counted[-1])
        for (start, end), hours in zip(spans, counted, strict=False):
            self.assertAlmostEqual(
                hours,
                self.shanghai.get_work_hours_count(start, end),
                places=6,
                msg=f"from {start} to {end}",
            )
        nowhere = self.env["resource.calendar"]
        self.assertEqual(
            nowhere._vip_plan_business_hours(starts[0], 17.25),
            starts[0] + timedelta(hours=17, minutes=15),
        )
        self.assertAlmostEqual(
            nowhere._vip_business_hours_between(starts[0], starts[1]), 7 + 1 / 60
        )

    def test_workbook_hours_agree_with_sla_deadline(self):
        """A complaint answered exactly at its response deadline took exactly the
        policy's response hours in the workbook: the SLA and the workbook count
        business hours with the same engine. Friday 2025-09-26 16:00 Shanghai,
        8 hours: Friday 16-18, no Saturday, then the make-up Sunday 09-12 and
        13-16."""
        self._import(self.shanghai, "CN", 2025)
        self._shanghai_policy(8, 24)
        received = datetime(2025, 9, 26, 8, 0)
        with freeze_time(received):
            complaint = self._complaint()
        self.assertEqual(complaint.response_deadline, datetime(2025, 9, 28, 8, 0))
        with freeze_time(complaint.response_deadline):
            complaint.action_acknowledge()
        self.assertEqual(complaint.response_sla_state, "met")
        builder = VipReviewWorkbook(
            self.env(context=dict(self.env.context, tz="Asia/Shanghai")),
            date(2025, 9, 1),
            date(2025, 9, 30),
            self.company,
        )
        book = openpyxl.load_workbook(io.BytesIO(builder.build()))
        header, *rows = book["Complaints"].iter_rows(values_only=True)
        row = dict(zip(header, rows[0], strict=True))
        self.assertEqual(row["Allowed Response (hours)"], 8)
        self.assertEqual(row["Hours to Respond (business)"], 8)
        self.assertEqual(row["Response Deadline"], datetime(2025, 9, 28, 16, 0))

    def test_schedule_knows_whether_it_has_make_up_days(self):
        """A schedule without make-up days is planned without looking them up:
        its flag follows the days added by hand, by an import, and removed."""
        tz_sh = self._shanghai_time
        self.assertFalse(self.shanghai.vip_has_workdays)
        self._import(self.shanghai, "CN", 2025)
        self.assertTrue(self.shanghai.vip_has_workdays)
        # Sunday 2025-09-28 works (Tuesday's hours)
        self.assertEqual(
            self.shanghai.get_work_hours_count(
                tz_sh(2025, 9, 28, 0), tz_sh(2025, 9, 29, 0)
            ),
            8,
        )
        self.shanghai.vip_holiday_year_ids.unlink()
        self.assertFalse(self.shanghai.workday_ids)
        self.assertFalse(self.shanghai.vip_has_workdays)
        self.assertEqual(
            self.shanghai.get_work_hours_count(
                tz_sh(2025, 9, 28, 0), tz_sh(2025, 9, 29, 0)
            ),
            0,
        )
        workday = self.env["resource.calendar.workday"].create(
            {
                "calendar_id": self.shanghai.id,
                "date": date(2025, 9, 28),
                "dayofweek_template": "1",
            }
        )
        self.assertTrue(self.shanghai.vip_has_workdays)
        other = self.shanghai.copy({"name": "Beijing office"})
        workday.calendar_id = other
        self.assertFalse(self.shanghai.vip_has_workdays)
        self.assertTrue(other.vip_has_workdays)
        self.assertEqual(
            other.get_work_hours_count(tz_sh(2025, 9, 28, 0), tz_sh(2025, 9, 29, 0)), 8
        )
        workday.unlink()
        self.assertFalse(other.vip_has_workdays)

    def test_tw_2025_lunar_new_year_make_up_day(self):
        self.env["res.lang"]._activate_lang("zh_TW")
        taipei = self.shanghai.copy({"name": "Taipei office", "tz": "Asia/Taipei"})
        self._import(taipei, "TW", 2025, lang="zh_TW")
        workdays = self._workdays(taipei)
        self.assertEqual(list(workdays), [date(2025, 2, 8)])
        # Saturday 2025-02-08 works Monday 01-27's hours
        self.assertEqual(workdays[date(2025, 2, 8)].dayofweek_template, "0")
        names = taipei.vip_holiday_year_ids.leave_ids.mapped("name")
        self.assertIn("國慶日", names)
        self.assertIn("春節", names)
        tw = timezone("Asia/Taipei")
        self.assertEqual(
            taipei.get_work_hours_count(
                tw.localize(datetime(2025, 2, 8, 0)), tw.localize(datetime(2025, 2, 9))
            ),
            8,
        )

    def test_names_in_user_language(self):
        self.env["res.lang"]._activate_lang("zh_TW")
        self._import(self.shanghai, "CN", 2025, lang="en_US")
        names = self.shanghai.vip_holiday_year_ids.leave_ids.mapped("name")
        self.assertIn("National Day", names)
        other = self.shanghai.copy({"name": "Shenzhen office"})
        self._import(other, "CN", 2025, lang="zh_TW")
        self.assertIn("國慶節", other.vip_holiday_year_ids.leave_ids.mapped("name"))

    def test_import_is_idempotent(self):
        self._import(self.shanghai, "CN", 2025, 2026)
        Leave = self.env["resource.calendar.leaves"]
        leaves = Leave.search([("calendar_id", "=", self.shanghai.id)])
        workdays = self.shanghai.workday_ids
        years = self.shanghai.vip_holiday_year_ids
        self.assertEqual(len(years), 2)
        self.assertEqual(self.shanghai.vip_holiday_years, "CN 2025–2026")
        snapshot = [
            (leave.id, leave.name, leave.date_from, leave.date_to) for leave in leaves
        ]
        with self.assertQueryCount(60):
            self._import(self.shanghai, "CN", 2025, 2026)
        leaves_again = Leave.search([("calendar_id", "=", self.shanghai.id)])
        self.assertEqual(
            [
                (leave.id, leave.name, leave.date_from, leave.date_to)
                for leave in leaves_again
            ],
            snapshot,
        )
        self.assertEqual(self.shanghai.workday_ids, workdays)
        self.assertEqual(self.shanghai.vip_holiday_year_ids, years)
        # a holiday entered by hand is not duplicated; a removed import is restored
        leaves[0].unlink()
        Leave.create(
            {
                "name": "New Year (by hand)",
                "calendar_id": self.shanghai.id,
                "date_from": datetime(2024, 12, 31, 16, 0),
                "date_to": datetime(2025, 1, 1, 15, 59, 59),
            }
        )
        self._import(self.shanghai, "CN", 2025)
        new_year = self._leave_days(
            self.shanghai, date(2024, 12, 31), date(2024, 12, 31)
        )
        self.assertEqual(new_year.mapped("name"), ["New Year (by hand)"])

    def test_bad_input(self):
        with self.assertRaisesRegex(UserError, "Country Code"):
            self._import(self.shanghai, "XX", 2026)
        with self.assertRaisesRegex(UserError, "From Year"):
            self._import(self.shanghai, "CN", 2027, 2026)
        # plain VIP users cannot import, internal users read the make-up days
        with self.assertRaises(AccessError):
            self._import(self.shanghai, "CN", 2026, user=self.user_vip)
        self._import(self.shanghai, "CN", 2026)
        self.assertTrue(self.shanghai.with_user(self.user_internal).workday_ids)
        with self.assertRaises(AccessError):
            self.shanghai.workday_ids[0].with_user(self.user_manager).write(
                {"dayofweek_template": "3"}
            )

    def test_action_opens_wizard(self):
        action = self.shanghai.action_vip_import_holidays()
        self.assertEqual(action["res_model"], "vip.holiday.import.wizard")
        self.assertEqual(action["context"]["default_calendar_id"], self.shanghai.id)
        settings = self.env["res.config.settings"].create({})
        self._import(self.shanghai, "CN", 2026)
        self.assertIn("Shanghai office: CN 2026", settings.vip_holiday_calendar_summary)

    @freeze_time("2026-12-01 01:00:00")
    def test_yearly_cron_imports_next_year(self):
        self._import(self.shanghai, "CN", 2026)
        other = self.env["resource.calendar"].create({"name": "No import", "tz": "UTC"})
        cron = self.env.ref("partner_vip_care.ir_cron_vip_import_next_year_holidays")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.assertEqual(self.shanghai.vip_holiday_years, "CN 2026–2027")
        self.assertFalse(other.vip_holiday_year_ids)
        count = self.env["resource.calendar.leaves"].search_count(
            [("calendar_id", "=", self.shanghai.id)]
        )
        # a second run at the same moment changes nothing
        self.assertEqual(
            self.env["resource.calendar"]._cron_vip_import_next_year_holidays(), 0
        )
        self.assertEqual(
            self.env["resource.calendar.leaves"].search_count(
                [("calendar_id", "=", self.shanghai.id)]
            ),
            count,
        )
