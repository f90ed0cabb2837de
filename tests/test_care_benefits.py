"""Tier benefits: quotas per period, the usage ledger and its approval, the
status a customer reads, and the gift budget (benefits and gift promises)."""

from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import VipCareCommon

APPROVAL = "partner_vip_care.mail_activity_type_benefit_approval"


@tagged("post_install", "-at_install", "vip_care")
class TestCareBenefits(VipCareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.gold = env.ref("partner_vip_care.vip_tier_gold")
        cls.Benefit = env["vip.benefit"]
        cls.training = cls.Benefit.create(
            {"name": "On-site training", "unit": "on-site trainings", "unit_value": 500}
        )
        cls.hamper = cls.Benefit.create(
            {"name": "Hamper", "benefit_type": "gift", "unit_value": 400}
        )
        cls.lounge = cls.Benefit.create({"name": "Lounge", "benefit_type": "priority"})
        cls.gold.write(
            {
                "gift_budget": 1000,
                "benefit_ids": [
                    Command.clear(),
                    Command.create(
                        {"benefit_id": cls.training.id, "quota": 4, "period": "year"}
                    ),
                    Command.create(
                        {"benefit_id": cls.hamper.id, "quota": 5, "period": "month"}
                    ),
                    Command.create(
                        {"benefit_id": cls.lounge.id, "quota": 0, "period": "month"}
                    ),
                ],
            }
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "Jade Electronics",
                "is_company": True,
                "user_id": cls.user_vip.id,
                "vip_tier_id": cls.gold.id,
            }
        )
        cls.contact = env["res.partner"].create(
            {"name": "Wang Li", "parent_id": cls.customer.id}
        )
        cls.company.vip_escalation_user_id = cls.user_manager

    def _use(self, benefit, user=None, **vals):
        return (
            self.env["vip.benefit.usage"]
            .with_user(user or self.user_vip)
            .create({"partner_id": self.customer.id, "benefit_id": benefit.id, **vals})
        )

    def _status(self, benefit, day=None):
        return next(
            s for s in self.customer._vip_benefit_status(day) if s["benefit"] == benefit
        )

    @freeze_time("2026-05-10")
    def test_within_quota_done_beyond_waits_for_a_manager(self):
        first = self._use(self.training, quantity=2)
        second = self._use(self.training, quantity=2, date="2026-05-01")
        self.assertEqual((first.state, second.state), ("done", "done"))
        self.assertRegex(first.name, r"^BEN/2026/\d{4}$")
        self.assertLess(first.name, second.name)
        status = self._status(self.training)
        self.assertEqual(
            (status["quota"], status["used"], status["remaining"]), (4, 4, 0)
        )
        self.assertEqual(status["period_start"], date(2026, 1, 1))
        # recorded by a manager for the salesperson who gave it
        third = self._use(
            self.training, user=self.user_manager, user_id=self.user_vip.id
        )
        self.assertEqual(third.state, "to_approve")
        self.assertTrue(third.over_quota)
        self.assertEqual((third.quota_applied, third.used_before), (4, 4))
        activity = third.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(APPROVAL)
        )
        self.assertEqual(len(activity), 1)
        self.assertNotIn(activity.user_id, self.user_manager | self.user_vip)
        self.assertTrue(
            activity.user_id.has_group("partner_vip_care.group_vip_manager")
        )
        # waiting: not yet used
        self.assertEqual(self._status(self.training)["used"], 4)
        # the recorder never approves, the giver neither
        with self.assertRaisesRegex(AccessError, "another manager"):
            third.with_user(self.user_manager).action_approve()
        with self.assertRaises(AccessError):
            third.with_user(self.user_vip).action_approve()
        third.with_user(self.user_admin).action_approve()
        self.assertEqual(third.state, "done")
        self.assertEqual(third.approver_id, self.user_admin)
        self.assertFalse(third.activity_ids)
        self.assertEqual(self._status(self.training)["used"], 5)
        self.assertEqual(self._status(self.training)["remaining"], 0)

    @freeze_time("2026-05-10")
    def test_quota_periods_and_unlimited(self):
        self.gold.gift_budget = 100000
        self._use(self.hamper, quantity=5, date="2026-04-30")
        # a new month, a new quota
        self.assertEqual(self._use(self.hamper, quantity=5).state, "done")
        april = self._status(self.hamper, "2026-04-15")
        self.assertEqual((april["used"], april["period_end"]), (5, date(2026, 4, 30)))
        for _n in range(3):
            self.assertEqual(self._use(self.lounge, quantity=9).state, "done")
        lounge = self._status(self.lounge)
        self.assertEqual((lounge["quota"], lounge["remaining"]), (0, None))
        # not a benefit of the tier: a manager decides
        other = self.Benefit.create({"name": "Factory tour"})
        outside = self._use(other)
        self.assertEqual(outside.state, "to_approve")
        self.assertTrue(outside.outside_tier)

    @freeze_time("2026-05-10")
    def test_status_sentence_for_the_customer(self):
        self._use(self.training, quantity=2)
        lines = {
            name: text for name, text, _s in self.customer._vip_benefit_status_lines()
        }
        self.assertEqual(
            lines["On-site training"], "2 of 4 on-site trainings left this year"
        )
        self.assertEqual(lines["Lounge"], "unlimited")
        # a contact reads its company's benefits
        self.assertEqual(
            [s["benefit"] for s in self.contact._vip_benefit_status()],
            [s["benefit"] for s in self.customer._vip_benefit_status()],
        )
        self.assertIn("2 of 4", self.customer.vip_benefit_status_html)

    @freeze_time("2026-05-10")
    def test_ledger_never_deleted_frozen_cancelled_with_reason(self):
        usage = self._use(self.training, contact_id=self.contact.id)
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            usage.with_user(self.user_admin).unlink()
        with self.assertRaisesRegex(UserError, "Quantity"):
            usage.with_user(self.user_vip).write({"quantity": 3})
        usage.with_user(self.user_vip).write({"note": "Trainer: Mr. Zhou"})
        action = usage.with_user(self.user_vip).action_cancel()
        self.assertEqual(action["res_model"], "vip.benefit.usage.cancel")
        # another salesperson cannot cancel it
        self.customer.user_id = self.user_vip_2
        with self.assertRaises(AccessError):
            usage.with_user(self.user_vip_2).action_cancel("Wrong customer")
        wizard = (
            self.env["vip.benefit.usage.cancel"]
            .with_user(self.user_vip)
            .create({"usage_ids": [Command.set(usage.ids)], "reason": "Recorded twice"})
        )
        wizard.action_confirm()
        self.assertEqual(usage.state, "cancelled")
        self.assertEqual(usage.cancel_reason, "Recorded twice")
        self.assertEqual(usage.cancelled_by_id, self.user_vip)
        self.assertEqual(self._status(self.training)["used"], 0)
        with self.assertRaisesRegex(UserError, "Cancelled"):
            usage.action_cancel("Again")

    @freeze_time("2026-05-10")
    def test_bad_input_gets_the_rule(self):
        with self.assertRaisesRegex(ValidationError, "Quantity.*at least 1"):
            self._use(self.training, quantity=0)
        with self.assertRaisesRegex(ValidationError, "within the last 366 days"):
            self._use(self.training, date="2025-05-01")
        with self.assertRaisesRegex(ValidationError, "cannot be in the future"):
            self._use(self.training, date="2026-05-20")
        # a use recorded late counts in the period of its day
        late = self._use(self.hamper, date="2026-02-27")
        self.assertEqual(late.period_start, date(2026, 2, 1))
        stranger = self.env["res.partner"].create({"name": "Someone Else"})
        with self.assertRaisesRegex(ValidationError, "must belong to the customer"):
            self._use(self.training, contact_id=stranger.id)

    @freeze_time("2026-05-10")
    def test_a_contact_as_customer_records_on_its_company(self):
        usage = self.env["vip.benefit.usage"].create(
            {"partner_id": self.contact.id, "benefit_id": self.training.id}
        )
        self.assertEqual(usage.partner_id, self.customer)
        self.assertEqual(usage.contact_id, self.contact)

    @freeze_time("2026-05-10")
    def test_record_from_a_visit(self):
        visit = self.env["vip.visit"].create(
            {
                "partner_id": self.customer.id,
                "contact_id": self.contact.id,
                "date": "2026-05-08",
                "summary": "Quarterly review",
            }
        )
        action = visit.action_vip_record_benefit()
        self.assertEqual(action["res_model"], "vip.benefit.usage")
        usage = (
            self.env["vip.benefit.usage"]
            .with_context(**action["context"])
            .create({"benefit_id": self.training.id})
        )
        self.assertRecordValues(
            usage,
            [
                {
                    "partner_id": self.customer.id,
                    "contact_id": self.contact.id,
                    "visit_id": visit.id,
                    "date": date(2026, 5, 8),
                }
            ],
        )
        self.assertEqual(visit.benefit_usage_ids, usage)
        # and from the partner form
        action = self.customer.action_vip_record_benefit()
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)

    @freeze_time("2026-05-10")
    def test_gift_budget_benefits_and_promises(self):
        self.assertEqual(self.customer.vip_gift_budget, 1000)
        self.assertEqual(self.customer.vip_gift_budget_left, 1000)
        first = self._use(self.hamper)  # 400
        self.assertEqual(first.state, "done")
        self.assertEqual(first.value, 400)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.vip_gift_spent, 400)
        self.assertEqual(self.customer.vip_gift_budget_left, 600)
        self.assertEqual(self.contact.vip_gift_spent, 400)
        # a gift promise of 500 fits (400 + 500 <= 1000)
        promise = self.env["vip.promise"].create(
            {
                "partner_id": self.customer.id,
                "promise_type": "gift",
                "description": "Mooncakes",
                "value": 500,
                "deadline": fields.Date.today() + timedelta(days=10),
            }
        )
        promise.action_submit()
        self.assertEqual(promise.state, "open")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.vip_gift_spent, 900)
        # the next hamper takes the year above the budget: a manager approves
        second = self._use(self.hamper)
        self.assertEqual(second.state, "to_approve")
        self.assertTrue(second.over_budget)
        self.assertFalse(second.over_quota)
        # and so does a gift promise within the bottom line but above the budget
        promise_2 = self.env["vip.promise"].create(
            {
                "partner_id": self.customer.id,
                "promise_type": "gift",
                "description": "Tea set",
                "value": 200,
                "deadline": fields.Date.today() + timedelta(days=10),
            }
        )
        promise_2.action_submit()
        self.assertEqual(promise_2.state, "to_approve")
        self.assertTrue(promise_2.needs_approval)
        # a use keeping a gift promise does not count its value twice
        kept = self._use(self.hamper, promise_id=promise.id)
        self.assertEqual(kept.value, 0)
        # last year's gifts do not count
        self.customer.invalidate_recordset()
        with freeze_time("2027-01-03"):
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.vip_gift_spent, 0)

    @freeze_time("2026-05-10")
    def test_companies_keep_their_records_apart(self):
        taiwan = self.env["res.company"].create({"name": "VIP Care Taiwan"})
        tier = self.env["vip.tier"].create(
            {"name": "Taiwan Gold", "company_id": taiwan.id, "level": 7}
        )
        benefit = self.Benefit.create({"name": "Factory tour", "company_id": taiwan.id})
        customer = self.env["res.partner"].create(
            {"name": "Hsinchu Wafers", "is_company": True, "company_id": taiwan.id}
        )
        customer.vip_tier_id = tier
        usage = (
            self.env["vip.benefit.usage"]
            .with_company(taiwan)
            .create({"partner_id": customer.id, "benefit_id": benefit.id})
        )
        plan = (
            self.env["vip.account.plan"]
            .with_company(taiwan)
            .create({"name": "Taiwan plan", "partner_id": customer.id})
        )
        # the manager works for the main company only
        for record in (usage, plan, benefit):
            as_manager = self.env[record._name].with_user(self.user_manager)
            self.assertFalse(as_manager.search([("id", "=", record.id)]))
        # a benefit of another company is refused for this one's customers
        with self.assertRaises(UserError):
            self.env["vip.benefit.usage"].create(
                {"partner_id": self.customer.id, "benefit_id": benefit.id}
            )
