"""The care programme as an RPC client sees it: usages and approvals cannot be
forged, the care calendar's reminders and a checked plan's actuals are the
server's, the portal shows a customer its own benefits only, and companies
keep their records apart."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common_rpc import VipRpcCase


@tagged("post_install", "-at_install", "vip_security", "vip_care")
class TestCareOverRpc(VipRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user_vip = cls._vip_user("care_vip")
        cls.manager = cls._vip_user("care_manager", "manager")
        cls.manager_2 = cls._vip_user("care_manager_2", "manager")
        cls.gold = env.ref("partner_vip_care.vip_tier_gold")
        cls.training = env["vip.benefit"].create(
            {"name": "On-site training", "unit": "on-site trainings"}
        )
        cls.gold.benefit_ids = [
            Command.create(
                {"benefit_id": cls.training.id, "quota": 2, "period": "year"}
            )
        ]
        cls.customer = env["res.partner"].create(
            {
                "name": "Jade Electronics",
                "is_company": True,
                "user_id": cls.user_vip.id,
                "vip_tier_id": cls.gold.id,
            }
        )
        cls.other = env["res.partner"].create(
            {
                "name": "Lotus Foods",
                "is_company": True,
                "user_id": cls.manager.id,
                "vip_tier_id": cls.gold.id,
            }
        )
        cls.portal = new_test_user(env, login="care_portal", groups="base.group_portal")
        cls.portal.partner_id.parent_id = cls.customer
        cls.portal_other = new_test_user(
            env, login="care_portal_other", groups="base.group_portal"
        )
        cls.portal_other.partner_id.parent_id = cls.other

    def _use(self, user, partner=None, **vals):
        values = {
            "partner_id": (partner or self.customer).id,
            "benefit_id": self.training.id,
            **vals,
        }
        usage_id = self._call(user, "vip.benefit.usage", "create", [values])[0]
        return self.env["vip.benefit.usage"].browse(usage_id)

    def test_usage_state_and_approval_cannot_be_forged(self):
        self._use(self.user_vip, quantity=2)
        # beyond the quota, whatever state the client sends
        usage = self._use(self.user_vip, state="done")
        self.assertEqual(usage.state, "to_approve")
        message = self.assertRefused(
            self.user_vip,
            "vip.benefit.usage",
            "create",
            [
                {
                    "partner_id": self.customer.id,
                    "benefit_id": self.training.id,
                    "approver_id": self.manager.id,
                }
            ],
        )
        self.assertIn("Approved by", message)
        for fname, value in (
            ("state", "done"),
            ("approver_id", self.manager.id),
            ("over_quota", False),
            ("quota_applied", 0),
        ):
            with self.subTest(field=fname):
                self.assertRefused(
                    self.manager,
                    "vip.benefit.usage",
                    "write",
                    [usage.id],
                    {fname: value},
                )
        message = self.assertRefused(
            self.user_vip, "vip.benefit.usage", "write", [usage.id], {"quantity": 3}
        )
        self.assertIn("Quantity", message)
        self.assertRefused(
            self.user_vip,
            "vip.benefit.usage",
            "action_approve",
            [usage.id],
            error="AccessError",
        )
        self.assertRefused(self.user_vip, "vip.benefit.usage", "unlink", [usage.id])
        # recorded by a manager: another manager approves it
        by_manager = self._use(self.manager)
        self.assertRefused(
            self.manager,
            "vip.benefit.usage",
            "action_approve",
            [by_manager.id],
            error="AccessError",
        )
        self._call(
            self.manager_2, "vip.benefit.usage", "action_approve", [by_manager.id]
        )
        self.assertEqual(by_manager.state, "done")
        self.assertEqual(by_manager.approver_id, self.manager_2)

    def test_cancel_needs_a_reason_and_the_right(self):
        usage = self._use(self.user_vip)
        action = self._call(
            self.user_vip, "vip.benefit.usage", "action_cancel", [usage.id]
        )
        self.assertEqual(action["res_model"], "vip.benefit.usage.cancel")
        self.assertEqual(usage.state, "done")
        self._call(
            self.user_vip, "vip.benefit.usage", "action_cancel", [usage.id], "Twice"
        )
        self.assertEqual(usage.state, "cancelled")
        self.assertEqual(usage.cancel_reason, "Twice")

    def test_a_salesperson_reaches_its_own_customers_only(self):
        theirs = self._use(self.manager, partner=self.other)
        with mute_logger("odoo.addons.base.models.ir_rule"):
            self.assertRefused(
                self.user_vip,
                "vip.benefit.usage",
                "read",
                [theirs.id],
                ["state"],
                error="AccessError",
            )
            self.assertRefused(
                self.user_vip,
                "vip.benefit.usage",
                "create",
                [
                    {
                        "partner_id": self.other.id,
                        "benefit_id": self.training.id,
                        "user_id": self.manager.id,
                    }
                ],
                error="AccessError",
            )

    @freeze_time("2026-09-10")
    def test_calendar_reminders_are_the_servers(self):
        occasion_id = self._call(
            self.user_vip,
            "vip.care.occasion",
            "create",
            [{"partner_id": self.customer.id, "festival": "mid_autumn"}],
        )[0]
        occasion = self.env["vip.care.occasion"].browse(occasion_id)
        self.assertEqual(str(occasion.next_date), "2026-09-25")
        for fname, value in (
            ("next_date", "2026-09-11"),
            ("remind_date", "2026-09-10"),
            ("auto", True),
        ):
            with self.subTest(field=fname):
                self.assertRefused(
                    self.user_vip,
                    "vip.care.occasion",
                    "write",
                    [occasion_id],
                    {fname: value},
                )
        self.assertRefused(
            self.user_vip,
            "vip.care.reminder",
            "create",
            [{"occasion_id": occasion_id, "year": 2026, "date": "2026-09-25"}],
            error="AccessError",
        )
        # the job is the server's: a client cannot even call it
        self.assertRefused(
            self.manager,
            "vip.care.occasion",
            "_cron_vip_care_calendar",
            error="AccessError",
        )

    def test_checked_plan_cannot_be_rewritten(self):
        plan_id = self._call(
            self.user_vip,
            "vip.account.plan",
            "create",
            [
                {
                    "name": "Plan",
                    "partner_id": self.customer.id,
                    "date_start": fields.Date.to_string(
                        fields.Date.today() - timedelta(days=30)
                    ),
                    "date_end": fields.Date.to_string(fields.Date.today()),
                    "line_ids": [Command.create({"kpi": "revenue", "target": 100})],
                }
            ],
        )[0]
        plan = self.env["vip.account.plan"].browse(plan_id)
        self.assertRefused(
            self.user_vip, "vip.account.plan", "write", [plan_id], {"state": "check"}
        )
        self._call(self.user_vip, "vip.account.plan", "action_do", [plan_id])
        self._call(self.user_vip, "vip.account.plan", "action_check", [plan_id])
        line_id = plan.line_ids.id
        for vals in ({"actual_frozen": 1e9}, {"frozen": False}, {"actual": 1e9}):
            with self.subTest(vals=vals):
                self.assertRefused(
                    self.user_vip, "vip.account.plan.line", "write", [line_id], vals
                )
        self.assertEqual(plan.line_ids.actual, 0.0)

    @freeze_time("2026-05-10")
    def test_portal_sees_its_own_benefits_only(self):
        self._use(self.user_vip)
        self.authenticate("care_portal", "care_portal")
        page = self.url_open("/my/vip").text
        self.assertIn("On-site training", page)
        self.assertIn("1 of 2 on-site trainings left this year", page)
        self.authenticate("care_portal_other", "care_portal_other")
        page = self.url_open("/my/vip").text
        self.assertIn("2 of 2 on-site trainings left this year", page)
        self._logged_in = None
        for model in ("vip.benefit.usage", "vip.care.occasion", "vip.account.plan"):
            with self.subTest(model=model):
                self.assertRefused(
                    self.portal, model, "search_read", [], ["id"], error="AccessError"
                )
