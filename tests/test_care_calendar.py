"""The care calendar: birthdays (solar and lunar), festivals, anniversaries,
and the daily job reminding the account manager once per occasion and year."""

from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models import vip_care_calendar
from ..tools.vip_lunar import next_occurrence, solar_to_lunar
from .common import VipCareCommon

CARE_ACTIVITY = "partner_vip_care.mail_activity_type_vip_care_occasion"


@tagged("post_install", "-at_install", "vip_care")
class TestCareCalendar(VipCareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gold = cls.env.ref("partner_vip_care.vip_tier_gold")
        cls.silver = cls.env.ref("partner_vip_care.vip_tier_silver")
        for lang in ("zh_CN", "zh_TW"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["partner_vip_care"], ["zh_CN", "zh_TW"], overwrite=True
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Jade Electronics",
                "is_company": True,
                "user_id": cls.user_vip.id,
                "vip_tier_id": cls.silver.id,
            }
        )
        cls.Occasion = cls.env["vip.care.occasion"]

    def _contact(self, name, birthday, lunar=False, parent=None):
        return self.env["res.partner"].create(
            {
                "name": name,
                "parent_id": (parent or self.customer).id,
                "vip_birthday": birthday,
                "vip_birthday_lunar": lunar,
            }
        )

    def _birthday(self, partner):
        return self.Occasion.search(
            [("partner_id", "=", partner.id), ("occasion_type", "=", "birthday")]
        )

    def _run(self):
        self.env["vip.care.occasion"]._cron_vip_care_calendar()
        self.env.invalidate_all()

    def _reminders(self, partner):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                ("activity_type_id", "=", self.env.ref(CARE_ACTIVITY).id),
            ]
        )

    # dates ----------------------------------------------------------------

    @freeze_time("2026-12-02")
    def test_lunar_birthday_of_the_issue(self):
        """Born 1985-03-03, lunar 1/12: the next lunar birthday after
        2026-12-02 is 2027-02-17."""
        self.assertEqual(solar_to_lunar(date(1985, 3, 3))[1:3], (1, 12))
        contact = self._contact("Wang Li", "1985-03-03", lunar=True)
        occasion = self._birthday(contact)
        self.assertRecordValues(
            occasion,
            [
                {
                    "month": 1,
                    "day": 12,
                    "lunar": True,
                    "year": 1985,
                    "auto": True,
                    "next_date": date(2027, 2, 17),
                }
            ],
        )
        # the same birthday kept by the solar calendar
        contact.vip_birthday_lunar = False
        self.assertEqual(occasion.next_date, date(2027, 3, 3))
        self.assertFalse(occasion.lunar)

    @freeze_time("2026-01-10")
    def test_leap_month_birthday_kept_in_plain_month(self):
        """Born 2023-03-31, the 10th of the leap second month (闰二月): it is
        celebrated on the 10th of the plain second month."""
        self.assertEqual(solar_to_lunar(date(2023, 3, 31)), (2023, 2, 10, True))
        contact = self._contact("Chen Jie", "2023-03-31", lunar=True)
        occasion = self._birthday(contact)
        self.assertEqual((occasion.month, occasion.day), (2, 10))
        # 2026: the plain 2nd month starts 2026-03-19
        self.assertEqual(occasion.next_date, date(2026, 3, 28))

    def test_lunar_thirtieth_in_a_short_month(self):
        """A 30th falls on the 29th of a month of 29 days: the 12th month of
        lunar 2026 has 29 days, so 除夕 is on its 29th (2027-02-05)."""
        self.assertEqual(
            next_occurrence(12, 30, True, date(2026, 3, 1))[0], date(2027, 2, 5)
        )
        # and on the 30th where the month has one (lunar 2024, 12th month)
        self.assertEqual(
            next_occurrence(12, 30, True, date(2025, 1, 1))[0], date(2025, 1, 28)
        )
        # a solar 29 February is 28 February in common years
        self.assertEqual(
            next_occurrence(2, 29, False, date(2026, 1, 1))[0], date(2026, 2, 28)
        )

    @freeze_time("2026-01-05")
    def test_festival_dates(self):
        occasion = self.Occasion.create(
            {"partner_id": self.customer.id, "festival": "mid_autumn"}
        )
        self.assertRecordValues(
            occasion,
            [
                {
                    "occasion_type": "festival",
                    "month": 8,
                    "day": 15,
                    "lunar": True,
                    "next_date": date(2026, 9, 25),
                    "next_year": 2026,
                    "remind_date": date(2026, 9, 18),
                }
            ],
        )
        spring = self.Occasion.create(
            {"partner_id": self.customer.id, "festival": "spring_festival"}
        )
        self.assertEqual(spring.next_date, date(2026, 2, 17))

    def test_bad_dates_refused_with_the_rule(self):
        with self.assertRaisesRegex(ValidationError, "month 2 has no day 30"):
            self.Occasion.create(
                {"partner_id": self.customer.id, "month": 2, "day": 30}
            )
        with self.assertRaisesRegex(ValidationError, "between 1 and 12"):
            self.Occasion.create(
                {"partner_id": self.customer.id, "month": 13, "day": 1}
            )
        with self.assertRaisesRegex(ValidationError, "keeps its own lunar date"):
            occasion = self.Occasion.create(
                {"partner_id": self.customer.id, "festival": "dragon_boat"}
            )
            occasion.day = 6

    def test_birthday_cleared_archives_its_occasion(self):
        contact = self._contact("Lin Yu", "1990-06-01")
        occasion = self._birthday(contact)
        self.assertTrue(occasion.active)
        contact.vip_birthday = False
        self.assertFalse(occasion.active)
        contact.vip_birthday = "1990-06-02"
        self.assertTrue(occasion.active)
        self.assertEqual(occasion.day, 2)
        self.assertEqual(
            len(self._birthday(contact).with_context(active_test=False)), 1
        )

    # festivals and anniversaries -------------------------------------------

    @freeze_time("2026-01-05")
    def test_festivals_follow_tier_flag_and_partner_choice(self):
        self.gold.festival_gifts = True
        self.silver.festival_gifts = False
        self.company.vip_care_festivals = "spring_festival,mid_autumn"
        gold_customer = self.env["res.partner"].create(
            {"name": "Lotus Foods", "is_company": True, "vip_tier_id": self.gold.id}
        )
        self._run()
        festivals = self.Occasion.search([("occasion_type", "=", "festival")])
        self.assertEqual(
            sorted(
                festivals.filtered(lambda o: o.partner_id == gold_customer).mapped(
                    "festival"
                )
            ),
            ["mid_autumn", "spring_festival"],
        )
        self.assertFalse(festivals.filtered(lambda o: o.partner_id == self.customer))
        # the silver customer opts in, the gold one out
        self.customer.vip_care_festivals = "yes"
        gold_customer.vip_care_festivals = "no"
        self._run()
        festivals = self.Occasion.search([("occasion_type", "=", "festival")])
        self.assertEqual(festivals.partner_id, self.customer)
        self.assertEqual(len(festivals), 2)

    @freeze_time("2026-05-10")
    def test_anniversary_from_first_invoice(self):
        product = self.env["product.product"].create(
            {"name": "Panel", "list_price": 10}
        )
        for day in ("2019-05-20", "2021-08-01"):
            move = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_date": day,
                    "invoice_line_ids": [
                        Command.create({"product_id": product.id, "price_unit": 100})
                    ],
                }
            )
            move.action_post()
        self._run()
        anniversary = self.Occasion.search(
            [
                ("partner_id", "=", self.customer.id),
                ("occasion_type", "=", "anniversary"),
            ]
        )
        self.assertRecordValues(
            anniversary,
            [{"month": 5, "day": 20, "year": 2019, "next_date": date(2026, 5, 20)}],
        )

    # the job -----------------------------------------------------------------

    def test_one_reminder_per_occasion_and_year_whatever_the_runs(self):
        with freeze_time("2026-02-01"):
            contact = self._contact("Wang Li", "1985-03-03", lunar=True)
            occasion = self._birthday(contact)
            self.assertEqual(occasion.next_date, date(2026, 2, 28))
            self._run()  # too early: reminded 7 days before
            self.assertFalse(self._reminders(contact))
        with freeze_time("2026-02-22"):
            self._run()
            self._run()
            reminders = self._reminders(contact)
            self.assertEqual(len(reminders), 1)
            self.assertEqual(reminders.user_id, self.user_vip)
            self.assertEqual(reminders.date_deadline, date(2026, 2, 28))
            self.assertIn("Wang Li", reminders.summary)
            self.assertEqual(occasion.reminder_ids.year, 2026)
        with freeze_time("2026-02-25"):
            # done by the account manager: a later run does not bring it back
            reminders.action_feedback("Flowers sent")
            self._run()
            self.assertFalse(self._reminders(contact))
        with freeze_time("2026-03-02"):
            self._run()  # passed: next year's date, lunar 2027-02-17
            self.assertEqual(occasion.next_date, date(2027, 2, 17))
            self.assertEqual(occasion.next_year, 2027)
        with freeze_time("2027-02-12"):
            self._run()
            self.assertEqual(len(self._reminders(contact)), 1)
            self.assertEqual(occasion.reminder_ids.mapped("year"), [2027, 2026])

    def test_result_at_a_day_does_not_depend_on_earlier_runs(self):
        """At 15 January, an occasion of the 20th is reminded once, whether the
        job ran every day since the 10th or runs for the first time: the
        second contact is created on the 15th, no earlier run saw it."""
        with freeze_time("2026-01-02"):
            daily = self._contact("Daily Run", "1980-01-20")
        for day in range(10, 15):
            with freeze_time(f"2026-01-{day}"):
                self._run()
        with freeze_time("2026-01-15"):
            late = self._contact("Late Run", "1980-01-20")
            self._run()
        self.assertEqual(len(self._reminders(daily)), 1)
        self.assertEqual(len(self._reminders(late)), 1)
        self.assertEqual(
            self._reminders(daily).summary.replace("Daily", "Late"),
            self._reminders(late).summary,
        )
        self.assertEqual(
            self._reminders(daily).date_deadline, self._reminders(late).date_deadline
        )

    @freeze_time("2026-09-20")
    def test_reminder_in_the_assignees_language(self):
        self.user_vip.lang = "zh_CN"
        self.user_vip_2.lang = "zh_TW"
        other = self.env["res.partner"].create(
            {"name": "台北精密", "is_company": True, "user_id": self.user_vip_2.id}
        )
        self.Occasion.create(
            [
                {"partner_id": self.customer.id, "festival": "mid_autumn"},
                {"partner_id": other.id, "festival": "mid_autumn"},
            ]
        )
        self._run()
        simplified = self._reminders(self.customer)
        traditional = self._reminders(other)
        self.assertIn("中秋节", simplified.summary)
        self.assertIn("Jade Electronics", simplified.summary)
        self.assertIn("2026", simplified.summary)
        self.assertIn("八月十五", simplified.summary)
        self.assertIn("中秋節", traditional.summary)
        self.assertIn("台北精密", traditional.summary)

    @freeze_time("2026-06-01")
    def test_no_account_manager_goes_to_the_escalation_contact(self):
        self.company.vip_escalation_user_id = self.user_manager
        orphan = self.env["res.partner"].create(
            {"name": "Orphan Ltd", "is_company": True}
        )
        self._contact("Ma Lan", "1979-06-03", parent=orphan)
        self._run()
        reminder = self.env["vip.care.reminder"].search(
            [("occasion_id.commercial_partner_id", "=", orphan.id)]
        )
        self.assertEqual(reminder.user_id, self.user_manager)
        self.assertEqual(reminder.activity_id.user_id, self.user_manager)

    @freeze_time("2026-06-01")
    def test_batches_commit_progress_and_constant_queries(self):
        IrCron = self.registry["ir.cron"]
        progress = []
        original = IrCron._vip_commit_progress

        def spy(cron_self, processed, remaining=None):
            progress.append((processed, remaining))
            return original(cron_self, processed, remaining=remaining)

        def contacts(count, tag):
            return self.env["res.partner"].create(
                [
                    {
                        "name": f"{tag} {n}",
                        "parent_id": self.customer.id,
                        "vip_birthday": "1980-06-05",
                        "vip_birthday_lunar": n % 2 == 0,
                    }
                    for n in range(count)
                ]
            )

        def queries(count, tag):
            people = contacts(count, tag)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            occasions = self.Occasion.search([("partner_id", "in", people.ids)])
            occasions._vip_schedule_reminders()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        queries(2, "W")  # caches warmed
        few = queries(4, "A")
        self.assertLessEqual(queries(40, "B"), few + 2)
        people = self.env["res.partner"].create(
            [
                {
                    "name": f"C {n}",
                    "parent_id": self.customer.id,
                    "vip_birthday": "1980-06-05",
                }
                for n in range(5)
            ]
        )
        with (
            patch.object(vip_care_calendar, "CARE_BATCH_SIZE", 2),
            patch.object(IrCron, "_vip_commit_progress", spy),
        ):
            self._run()
        due = [p for p in progress if p[1] is not None]
        self.assertEqual(sum(n for n, _r in due), 5)
        self.assertEqual([n for n, _r in due], [2, 2, 1])
        self.assertEqual(
            len(
                self.env["vip.care.reminder"].search(
                    [("occasion_id.partner_id", "in", people.ids)]
                )
            ),
            5,
        )
