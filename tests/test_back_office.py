"""Back office: the visit plan on a calendar, sensible default periods, "no
answer" shown as empty, holidays on the working schedule's tab."""

import io
from datetime import date, timedelta

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from ..tools.vip_review_workbook import VipReviewWorkbook
from .common import VipCareCommon


@tagged("post_install", "-at_install", "vip_visit", "vip_export")
class TestBackOffice(VipCareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gold = cls.env.ref("partner_vip_care.vip_tier_gold")
        cls.gold.write(
            {"visit_interval_days": 30, "management_visit_interval_days": 90}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "上海明辉贸易",
                "is_company": True,
                "user_id": cls.user_vip.id,
                "vip_tier_id": cls.gold.id,
            }
        )
        cls.other = cls.env["res.partner"].create(
            {
                "name": "台北精密工業",
                "is_company": True,
                "user_id": cls.user_vip_2.id,
                "vip_tier_id": cls.gold.id,
            }
        )
        cls.company.vip_escalation_user_id = cls.user_manager

    def test_visit_plan_on_the_calendar(self):
        Plan = self.env["vip.visit.plan"]
        today = date.today()
        rows = Plan.search([("partner_id", "=", self.customer.id)])
        # never visited: both visits due now, on today's square of the calendar
        self.assertEqual(sorted(rows.mapped("kind")), ["account_manager", "management"])
        self.assertEqual(set(rows.mapped("date")), {today})
        account = rows.filtered(lambda r: r.kind == "account_manager")
        self.assertEqual(account.user_id, self.user_vip)
        management = rows - account
        self.assertEqual(management.user_id, self.user_manager)
        # a visit logged moves the plan by the tier's interval
        self.env["vip.visit"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.user_vip.id,
                "date": today - timedelta(days=10),
                "visit_type": "account_manager",
                "summary": "季度回顾",
            }
        )
        self.env.flush_all()
        # the plan is a view of the customers: a new request reads it afresh
        self.env.invalidate_all()
        account = Plan.search(
            [("partner_id", "=", self.customer.id), ("kind", "=", "account_manager")]
        )
        self.assertEqual(account.date, today + timedelta(days=20))
        self.assertFalse(account.overdue)
        # a salesperson's calendar shows their customers, a manager's everyone's
        mine = Plan.with_user(self.user_vip).search([])
        self.assertIn(self.customer, mine.partner_id)
        self.assertNotIn(self.other, mine.partner_id)
        everyone = Plan.with_user(self.user_manager).search([])
        self.assertTrue(self.customer | self.other <= everyone.partner_id)

    def test_default_periods(self):
        with freeze_time("2026-12-02"):
            wizard = self.env["vip.export.wizard"].with_user(self.user_manager).new({})
            # the last full month
            self.assertEqual(wizard.date_from, date(2026, 11, 1))
            self.assertEqual(wizard.date_to, date(2026, 11, 30))
        action = self.env.ref("partner_vip_care.vip_review_report_action")
        self.assertIn("search_default_filter_recent", action.context)
        # labels of their own: not the tier card's "From" (门槛)
        fields_ = self.env["vip.export.wizard"]._fields
        self.assertEqual(fields_["date_from"].string, "Start Date")
        self.assertEqual(fields_["date_to"].string, "End Date")

    def test_no_answer_is_no_figure(self):
        Campaign = self.env["vip.survey.campaign"].with_user(self.user_manager)
        earlier = Campaign.create(
            {
                "name": "Spring",
                "tier_ids": [Command.set(self.gold.ids)],
                "pareto_classes": "abc",
                "census_class": "abc",
                "date_start": date(2026, 3, 1),
            }
        )
        earlier.action_select_participants()
        participant = earlier.participant_ids[:1]
        # sudo: an answer as the survey records it
        participant.sudo().write({"state": "answered", "nps_score": 3})
        earlier.sudo().write({"state": "closed"})
        later = Campaign.create(
            {
                "name": "Autumn",
                "tier_ids": [Command.set(self.gold.ids)],
                "date_start": date(2026, 9, 1),
            }
        )
        later.sudo().write({"state": "running"})
        self.assertTrue(earlier.nps_known)
        self.assertEqual(earlier.nps, -100.0)
        self.assertEqual(later.previous_campaign_id, earlier)
        # no answer yet: no NPS and no change of NPS (not 0 nor +100)
        self.assertFalse(later.nps_known)
        self.assertFalse(later.nps_delta_known)
        self.assertEqual(later.nps_delta, 0.0)
        # the workbook leaves the score of a customer who never answered empty
        env = self.env(user=self.user_manager)
        book = openpyxl.load_workbook(
            io.BytesIO(
                VipReviewWorkbook(
                    env,
                    date(2026, 1, 1),
                    date(2026, 12, 31),
                    self.company.with_env(env),
                ).build()
            )
        )
        sheet = book.worksheets[6]  # Satisfaction
        header = [cell.value for cell in sheet[1]]
        column = header.index(env._("NPS Score"))
        scores = {
            row[1].value: row[column].value
            for row in sheet.iter_rows(min_row=2)
            if row[0].value == "Spring"
        }
        self.assertEqual(scores.pop(participant.partner_id.complete_name), 3)
        self.assertTrue(scores, "another customer was asked")
        self.assertEqual(set(scores.values()), {None})

    def test_holidays_on_the_schedule_tab(self):
        arch = self.env["resource.calendar"].get_view(view_type="form")["arch"]
        self.assertIn('name="global_leave_ids"', arch)
        self.assertIn('name="workday_ids"', arch)
