"""Account plans (PDCA): targets whose actuals come from the module's records
over the plan's dates, frozen at the check; acting opens the next period."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import VipComplaintCommon

KPIS = (
    "revenue",
    "nps",
    "breached_complaints",
    "broken_promises",
    "visits",
    "share_of_wallet",
)


@tagged("post_install", "-at_install", "vip_care")
class TestAccountPlan(VipComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.vip_window_months = 12
        cls.customer.write({"vip_estimated_potential": 36525.0})

    def _invoice(self, day, amount, refund=False):
        move = self.env["account.move"].create(
            {
                "move_type": "out_refund" if refund else "out_invoice",
                "partner_id": self.contact.id,
                "invoice_date": day,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Goods",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    def _plan(self, **vals):
        return self.env["vip.account.plan"].create(
            {
                "name": "Spring plan",
                "partner_id": self.customer.id,
                "user_id": self.user_vip.id,
                "date_start": "2026-03-01",
                "date_end": "2026-05-31",
                "line_ids": [
                    Command.create({"kpi": kpi, "target": target})
                    for kpi, target in (
                        ("revenue", 10000),
                        ("nps", 9),
                        ("breached_complaints", 0),
                        ("broken_promises", 1),
                        ("visits", 3),
                        ("share_of_wallet", 50),
                    )
                ]
                + [Command.create({"kpi": "custom", "name": "Referrals", "target": 2})],
                **vals,
            }
        )

    def _record_the_period(self):
        """What happened with the customer, inside and outside the plan's dates."""
        self._invoice("2026-02-27", 99999)  # before the plan
        self._invoice("2026-03-10", 6000)
        self._invoice("2026-05-31", 2000)
        self._invoice("2026-04-02", 500, refund=True)
        self._invoice("2026-06-01", 88888)  # after
        # a complaint breached in March
        with freeze_time(datetime(2026, 3, 9, 9, 0)):
            complaint = self._complaint()
        with freeze_time(datetime(2026, 3, 20, 9, 0)):
            self.Complaint._cron_check_sla()
        self.assertEqual(complaint.response_sla_state, "breached")
        # one promise broken in April, one kept
        for outcome in ("broken", "kept"):
            with freeze_time("2026-04-01"):
                promise = self.env["vip.promise"].create(
                    {
                        "partner_id": self.customer.id,
                        "description": "Express delivery",
                        "value": 10,
                        "deadline": "2026-04-10",
                    }
                )
                promise.action_submit()
                if promise.state == "to_approve":
                    promise.with_user(self.user_admin).action_approve()
            with freeze_time("2026-04-12"):
                if outcome == "broken":
                    promise.action_mark_broken("Truck broke down")
                else:
                    promise.action_mark_kept()
        # two visits in the plan (a phone call does not count), one before
        for day, kind in (
            ("2026-03-15", "account_manager"),
            ("2026-04-15", "management"),
            ("2026-04-16", "phone"),
            ("2026-02-15", "account_manager"),
        ):
            with freeze_time(day):
                self.env["vip.visit"].create(
                    {"partner_id": self.customer.id, "visit_type": kind, "date": day}
                )
        # two survey answers in the plan (8 and 10), one before
        campaign = self.env["vip.survey.campaign"].create({"name": "Spring survey"})
        others = self.env["res.partner"].create(
            [{"name": f"Other {n}", "is_company": True} for n in range(2)]
        )
        for partner, campaign_name, score, answered in (
            (self.customer, "Spring survey", 8, datetime(2026, 3, 20, 10)),
            (self.customer, "April pulse", 10, datetime(2026, 4, 20, 10)),
            (others[0], "Spring survey", 0, datetime(2026, 3, 20, 10)),
            (self.customer, "Winter survey", 2, datetime(2026, 1, 20, 10)),
        ):
            this = (
                campaign
                if campaign_name == "Spring survey"
                else campaign.copy({"name": campaign_name})
            )
            # sudo: the survey's answers are recorded by the server
            self.env["vip.survey.participant"].sudo().create(
                {
                    "campaign_id": this.id,
                    "partner_id": partner.id,
                    "state": "answered",
                    "nps_score": score,
                    "answered_on": answered,
                }
            )

    def test_actuals_come_from_the_records_of_the_plan_dates(self):
        self._record_the_period()
        with freeze_time("2026-06-05"):
            plan = self._plan()
        actual = {line.kpi: line.actual for line in plan.line_ids}
        self.assertEqual(actual["revenue"], 7500.0)
        self.assertEqual(actual["breached_complaints"], 1.0)
        self.assertEqual(actual["broken_promises"], 1.0)
        self.assertEqual(actual["visits"], 2.0)
        self.assertEqual(actual["nps"], 9.0)
        # potential 36,525 a year: 92 days of it are 9,200; 7,500 of it is 81.5%
        self.assertAlmostEqual(actual["share_of_wallet"], 7500 / 9200 * 100, places=1)
        achievement = {line.kpi: line.achievement for line in plan.line_ids}
        self.assertEqual(achievement["revenue"], 75.0)
        self.assertEqual(achievement["broken_promises"], 100.0)  # 1 allowed
        self.assertEqual(achievement["breached_complaints"], 0.0)  # 0 allowed, 1
        self.assertAlmostEqual(achievement["visits"], 2 / 3 * 100, places=1)

    def test_pdca_freezes_at_check_and_acts_into_the_next_period(self):
        with freeze_time("2026-03-01"):
            plan = self._plan()
            self.assertEqual(plan.review_date, date(2026, 5, 31))
            review = plan.activity_ids
            plan.with_user(self.user_vip).action_do()
        self.assertEqual(plan.state, "do")
        self.assertEqual(plan.activity_ids, review)
        self.assertEqual(review.user_id, self.user_vip)
        self.assertEqual(review.date_deadline, date(2026, 5, 31))
        custom = plan.line_ids.filtered(lambda line: line.kpi == "custom")
        custom.with_user(self.user_vip).actual = 3
        revenue = plan.line_ids.filtered(lambda line: line.kpi == "revenue")
        with self.assertRaisesRegex(UserError, "comes from the records"):
            revenue.with_user(self.user_vip).write({"actual": 50000})
        self._invoice("2026-04-01", 4000)
        self.assertEqual(revenue.actual, 4000)
        with freeze_time("2026-06-02"):
            plan.with_user(self.user_vip).action_check()
        self.assertEqual(plan.state, "check")
        self.assertFalse(plan.activity_ids)
        # an invoice found later does not change the checked plan
        self._invoice("2026-04-03", 1000)
        plan.line_ids.invalidate_recordset()
        self.assertEqual(revenue.actual, 4000)
        self.assertEqual(custom.actual, 3)
        with self.assertRaisesRegex(UserError, "is checked"):
            custom.with_user(self.user_vip).write({"target": 5})
        with self.assertRaisesRegex(ValidationError, "is checked"):
            plan.with_user(self.user_vip).write({"date_end": "2026-06-30"})
        action = plan.with_user(self.user_vip).action_act()
        new = self.env["vip.account.plan"].browse(action["res_id"])
        self.assertEqual(plan.state, "act")
        self.assertEqual(plan.next_id, new)
        self.assertRecordValues(
            new,
            [
                {
                    "state": "plan",
                    "partner_id": self.customer.id,
                    "user_id": self.user_vip.id,
                    "date_start": date(2026, 6, 1),
                    "date_end": date(2026, 8, 31),
                    "previous_id": plan.id,
                }
            ],
        )
        self.assertEqual(new.line_ids.mapped("kpi"), plan.line_ids.mapped("kpi"))
        self.assertEqual(new.line_ids.mapped("target"), plan.line_ids.mapped("target"))
        self.assertFalse(any(new.line_ids.mapped("frozen")))
        plan.action_done()
        self.assertEqual(plan.state, "done")
        with self.assertRaisesRegex(UserError, "has started"):
            plan.unlink()

    def test_workflow_and_bad_input(self):
        with self.assertRaisesRegex(ValidationError, "cannot come before"):
            self._plan(date_start="2026-06-01", date_end="2026-05-01")
        plan = self.env["vip.account.plan"].create(
            {"name": "Empty", "partner_id": self.customer.id}
        )
        with self.assertRaisesRegex(ValidationError, "at least one target"):
            plan.action_do()
        with self.assertRaisesRegex(UserError, "cannot act on"):
            plan.action_act()
        # a contact as customer plans for its company
        plan = self._plan(partner_id=self.contact.id)
        self.assertEqual(plan.partner_id, self.customer)
        self.assertTrue(self.customer.vip_account_plan_ids)
        self.assertEqual(
            self.customer.action_vip_new_account_plan()["context"][
                "default_partner_id"
            ],
            self.customer.id,
        )

    def test_actuals_of_many_plans_in_constant_queries(self):
        self._record_the_period()

        def queries(count):
            plans = self.env["vip.account.plan"].create(
                [
                    {
                        "name": f"Plan {n}",
                        "partner_id": self.customer.id,
                        "date_start": date(2026, 3, 1) + timedelta(days=n),
                        "date_end": "2026-05-31",
                        "line_ids": [Command.create({"kpi": kpi}) for kpi in KPIS],
                    }
                    for n in range(count)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            plans.line_ids.mapped("actual")
            return self.cr.sql_log_count - before

        queries(1)
        self.assertEqual(queries(3), queries(12))

    def test_plans_in_the_review_workbook(self):
        import io

        import openpyxl

        from ..tools.vip_review_workbook import VipReviewWorkbook

        self._record_the_period()
        with freeze_time("2026-06-05"):
            self._plan()
        self._plan(name="Summer plan", date_start="2026-07-01", date_end="2026-09-30")
        data = VipReviewWorkbook(
            self.env, "2026-04-01", "2026-04-30", self.company
        ).build()
        sheet = openpyxl.load_workbook(io.BytesIO(data))["Account Plans"]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:2], ("Plan", "Customer"))
        self.assertEqual(len(rows), 1 + 7, "the spring plan's targets only")
        revenue = next(row for row in rows[1:] if row[6] == "Revenue")
        self.assertEqual(revenue[0], "Spring plan")
        self.assertEqual((revenue[8], revenue[9]), (10000, 7500))
        self.assertAlmostEqual(revenue[10], 0.75)
