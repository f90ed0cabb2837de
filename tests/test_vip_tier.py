import logging
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.partner_vip_care.models import vip_tier_evaluation
from odoo.addons.partner_vip_care.models.vip_tier_evaluation import pareto_classes

from .common import VipCareCommon


class VipTierCommon(VipCareCommon):
    """Main company with four tiers: Standard (0), Silver (1000, keep at 800),
    Gold (5000, keep at 4000), Platinum (20000, keep at 16000)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"vip_window_months": 12, "vip_downgrade_grace_days": 0})
        cls.standard = cls.env.ref("partner_vip_care.vip_tier_standard")
        cls.silver = cls.env.ref("partner_vip_care.vip_tier_silver")
        cls.gold = cls.env.ref("partner_vip_care.vip_tier_gold")
        cls.platinum = cls.env.ref("partner_vip_care.vip_tier_platinum")
        for tier, qualify, retain in (
            (cls.standard, 0, 0),
            (cls.silver, 1000, 800),
            (cls.gold, 5000, 4000),
            (cls.platinum, 20000, 16000),
        ):
            tier.write({"qualify_amount": qualify, "retain_amount": retain})
        cls.today = fields.Date.context_today(cls.env["res.partner"])

    @classmethod
    def _customers(cls, *names, **vals):
        return cls.env["res.partner"].create(
            [{"name": name, "is_company": True, **vals} for name in names]
        )

    @classmethod
    def _invoices(cls, lines, post=True, company=None):
        """Create invoices from (partner, amount, days_ago) tuples, in one batch; a
        negative amount makes a refund."""
        moves = (
            cls.env["account.move"]
            .with_company(company or cls.company)
            .create(
                [
                    {
                        "move_type": "out_refund" if amount < 0 else "out_invoice",
                        "partner_id": partner.id,
                        "invoice_date": cls.today - relativedelta(days=days_ago),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Goods",
                                    "quantity": 1,
                                    "price_unit": abs(amount),
                                    "tax_ids": [],
                                }
                            )
                        ],
                    }
                    for partner, amount, days_ago in lines
                ]
            )
        )
        if post:
            moves.action_post()
        return moves

    def _evaluate(self, partners=None):
        return self.env["res.partner"]._vip_evaluate_tiers(partners)


@tagged("post_install", "-at_install", "vip_tier")
class TestTierEvaluation(VipTierCommon):
    def test_thresholds_at_below_and_above_each_boundary(self):
        expected = []
        lines = []
        for lower, upper in (
            (self.standard, self.silver),
            (self.silver, self.gold),
            (self.gold, self.platinum),
        ):
            threshold = upper.qualify_amount
            for delta, tier in ((-0.01, lower), (0.0, upper), (0.01, upper)):
                customer = self._customers(f"{upper.name} {delta:+}")
                lines.append((customer, threshold + delta, 5))
                expected.append((customer, tier))
        self._invoices(lines)
        self._evaluate()
        for customer, tier in expected:
            self.assertEqual(customer.vip_tier_id, tier, customer.name)
        self.assertAlmostEqual(expected[1][0].vip_revenue, 1000.0)

    def test_tier_change_is_noted_in_the_customers_chatter(self):
        customer = self._customers("Noted")
        self._invoices([(customer, 6000, 20)])
        self._evaluate()
        notes = customer.message_ids.filtered(lambda m: "VIP tier" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn(customer.vip_tier_id.name, notes.body)
        self.assertTrue(customer.vip_tier_id)
        self.assertEqual(notes.message_type, "notification")
        self.assertEqual(notes.subtype_id, self.env.ref("mail.mt_note"))
        self.assertTrue(notes.is_internal, "internal: never shown to the portal")
        self.assertEqual(notes.author_id, self.env.user.partner_id)
        self.assertEqual((notes.model, notes.res_id), ("res.partner", customer.id))
        self._evaluate()  # nothing changed: no second note
        self.assertEqual(
            len(customer.message_ids.filtered(lambda m: "VIP tier" in (m.body or ""))),
            1,
        )

    def test_refunds_lower_revenue(self):
        customer = self._customers("Refunded")
        self._invoices([(customer, 6000, 20), (customer, -1500, 3)])
        self._evaluate()
        self.assertEqual(customer.vip_revenue, 4500)
        self.assertEqual(customer.vip_tier_id, self.silver)

    def test_invoices_outside_window_ignored(self):
        customer = self._customers("Old friend")
        window_start = self.today - relativedelta(months=12)
        days = (self.today - window_start).days
        self._invoices(
            [(customer, 9000, days), (customer, 400, days - 1), (customer, 700, 1)]
        )
        self._evaluate()
        self.assertEqual(customer.vip_revenue, 1100, "only the last 12 months count")
        self.assertEqual(customer.vip_tier_id, self.silver)

    def test_draft_and_cancelled_invoices_ignored(self):
        customer = self._customers("Hesitant")
        self._invoices([(customer, 9000, 5)], post=False)
        cancelled = self._invoices([(customer, 9000, 5)])
        cancelled.button_draft()
        cancelled.button_cancel()
        self._invoices([(customer, 1200, 5)])
        self._evaluate()
        self.assertEqual(customer.vip_revenue, 1200)
        self.assertEqual(customer.vip_tier_id, self.silver)

    def test_hysteresis_keeps_tier_between_retain_and_qualify(self):
        customer = self._customers("Steady")
        self._invoices([(customer, 6000, 30)])
        self._evaluate()
        self.assertEqual(customer.vip_tier_id, self.gold)
        self._invoices([(customer, -1500, 2)])  # 4500: above Gold's 4000 to retain
        self.assertFalse(self._evaluate())
        self.assertEqual(customer.vip_tier_id, self.gold)
        self._invoices([(customer, -1000, 1)])  # 3500: below it
        self._evaluate()
        self.assertEqual(customer.vip_tier_id, self.silver)
        last = customer.vip_tier_history_ids.sorted("id")[-1]
        self.assertEqual(last.reason, "downgrade")

    def test_new_customer_below_qualify_does_not_enter(self):
        customer = self._customers("Almost gold")
        self._invoices([(customer, 4500, 3)])  # above Gold's retain, below qualify
        self._evaluate()
        self.assertEqual(customer.vip_tier_id, self.silver)

    def test_grace_delays_downgrade(self):
        self.company.vip_downgrade_grace_days = 30
        customer = self._customers("Falling")
        self._invoices([(customer, 6000, 40), (customer, -5500, 1)])
        customer.write({"vip_tier_id": self.gold.id, "vip_since": self.today})
        self.assertFalse(self._evaluate(), "still within the grace period")
        self.assertEqual(customer.vip_tier_id, self.gold)
        with freeze_time(self.today + relativedelta(days=31)):
            self._evaluate()
        self.assertEqual(customer.vip_tier_id, self.standard)

    def test_upgrade_ignores_grace(self):
        self.company.vip_downgrade_grace_days = 30
        customer = self._customers("Rising")
        self._invoices([(customer, 1500, 10)])
        self._evaluate()
        self._invoices([(customer, 5000, 1)])
        self._evaluate()
        self.assertEqual(customer.vip_tier_id, self.gold)

    def test_lock_honoured_until_it_expires(self):
        customer = self._customers("Protected")
        self._invoices([(customer, 1500, 10)])
        self._evaluate()
        customer.with_user(self.user_manager).write(
            {
                "vip_tier_locked": True,
                "vip_lock_reason": "Strategic account",
                "vip_lock_until": self.today + relativedelta(days=1),
            }
        )
        self._invoices([(customer, 9000, 1)])
        self.assertFalse(self._evaluate())
        self.assertEqual(customer.vip_tier_id, self.silver)
        with freeze_time(self.today + relativedelta(days=2)):
            self._evaluate()
        self.assertFalse(customer.vip_tier_locked)
        self.assertEqual(customer.vip_tier_id, self.gold)
        reasons = customer.vip_tier_history_ids.sorted("id").mapped("reason")
        self.assertEqual(reasons, ["upgrade", "lock", "unlock", "upgrade"])

    def test_lock_without_end_stays(self):
        customer = self._customers("Forever silver")
        customer.with_user(self.user_manager).write(
            {
                "vip_tier_id": self.silver.id,
                "vip_tier_locked": True,
                "vip_lock_reason": "Contract",
            }
        )
        self._invoices([(customer, 30000, 1)])
        with freeze_time(self.today + relativedelta(years=2)):
            self.assertFalse(self._evaluate())
        self.assertEqual(customer.vip_tier_id, self.silver)

    def test_contacts_follow_commercial_partner(self):
        customer = self._customers("Parent Co")
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": customer.id}
        )
        self._invoices([(contact, 5500, 4)])  # invoiced to the contact
        self._evaluate()
        self.assertEqual(customer.vip_tier_id, self.gold)
        self.assertEqual(contact.vip_tier_id, self.gold)
        self.assertEqual(contact.vip_revenue, 5500)
        self.assertFalse(contact.vip_tier_history_ids, "the log is on the company")

    def test_pareto_classes_on_known_distribution(self):
        names = ["p50", "p30", "p10", "p5", "p3", "p2", "p0"]
        customers = self._customers(*names)
        amounts = [50000, 30000, 10000, 5000, 3000, 2000]
        self._invoices([(c, a, 2) for c, a in zip(customers, amounts, strict=False)])
        customers[-1].vip_tier_id = self.silver
        self._evaluate()
        self.assertEqual(
            customers.mapped("vip_pareto_class"),
            ["a", "a", "b", "b", "c", "c", "c"],
        )

    def test_pareto_function_edges(self):
        self.assertEqual(pareto_classes({}), {})
        self.assertEqual(pareto_classes({1: 100.0}), {1: "a"})
        self.assertEqual(
            pareto_classes({1: 100.0, 2: 0.0, 3: -10.0}), {1: "a", 2: "c", 3: "c"}
        )

    def test_history_rows_equal_changes_and_second_run_is_noop(self):
        customers = self._customers("h1", "h2", "h3", "h4")
        self._invoices(
            [(customers[0], 100, 1), (customers[1], 2000, 1), (customers[2], 30000, 1)]
        )
        changed = self._evaluate()
        self.assertEqual(changed, customers[:3], "no revenue and no tier: left alone")
        history = self.env["vip.tier.history"].search(
            [("partner_id", "in", customers.ids)]
        )
        self.assertEqual(history.partner_id, changed)
        self.assertEqual(set(history.mapped("reason")), {"upgrade"})
        notes = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "in", customers.ids)]
        )
        self.assertEqual(len(notes.filtered(lambda m: "VIP tier" in m.body)), 3)
        self.assertFalse(self._evaluate(), "a second run right after changes nothing")
        self.assertEqual(
            self.env["vip.tier.history"].search_count(
                [("partner_id", "in", customers.ids)]
            ),
            3,
        )

    def test_history_cannot_be_deleted_or_edited(self):
        customer = self._customers("Logged")
        self._invoices([(customer, 2000, 1)])
        self._evaluate()
        row = customer.vip_tier_history_ids
        with self.assertRaises(UserError):
            row.unlink()
        with self.assertRaises(AccessError):
            row.with_user(self.user_admin).write({"reason": "manual"})

    def test_query_count_does_not_grow_with_partners(self):
        def evaluation_queries(count):
            customers = self._customers(*[f"q{count}-{i}" for i in range(count)])
            amounts = [300, 1500, 6000, 25000]
            self._invoices([(c, amounts[i % 4], 3) for i, c in enumerate(customers)])
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            changed = self._evaluate(customers)
            self.env.flush_all()
            self.assertEqual(changed, customers)
            return self.cr.sql_log_count - before

        self.assertEqual(evaluation_queries(20), evaluation_queries(200))

    def test_cron_evaluates_and_rerun_changes_nothing(self):
        customers = self._customers("c1", "c2")
        self._invoices([(customers[0], 2000, 1), (customers[1], 7000, 1)])
        cron = self.env.ref("partner_vip_care.ir_cron_vip_evaluate_tiers")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        customers.invalidate_recordset()
        self.assertEqual(customers.vip_tier_id, self.silver | self.gold)
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.assertEqual(len(customers.vip_tier_history_ids), 2)

    def test_cron_commits_bounded_batches(self):
        customers = self._customers(*[f"batch{i}" for i in range(5)])
        self._invoices([(customer, 2000, 1) for customer in customers])
        cron = self.env.ref("partner_vip_care.ir_cron_vip_evaluate_tiers")
        IrCron = self.registry["ir.cron"]
        commit_progress = IrCron._commit_progress
        progress = []

        def spy(cron_self, processed=0, **kwargs):
            progress.append((processed, kwargs.get("remaining")))
            return commit_progress(cron_self, processed, **kwargs)

        with (
            patch.object(vip_tier_evaluation, "VIP_EVALUATION_BATCH", 2),
            patch.object(IrCron, "_commit_progress", spy),
            self.enter_registry_test_mode(),
        ):
            cron.method_direct_trigger()
        customers.invalidate_recordset()
        self.assertEqual(customers.vip_tier_id, self.silver)
        self.assertEqual(len(customers.vip_tier_history_ids), 5)
        self.assertEqual(progress, [(2, 3), (2, 1), (1, 0)])

    def test_pricelist_applied_on_tier_change(self):
        pricelist = self.env["product.pricelist"].create({"name": "Gold prices"})
        self.gold.pricelist_id = pricelist
        customer = self._customers("Priced")
        self._invoices([(customer, 6000, 1)])
        self._evaluate()
        self.assertEqual(customer.specific_property_product_pricelist, pricelist)

    def test_upgrade_mail_is_optional(self):
        customer = self._customers("Mailed", email="mailed@example.com")
        silent = self._customers("Silent", email="silent@example.com")
        self._invoices([(silent, 2000, 1)])
        self._evaluate()
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", silent.ids)])
        )
        self.company.vip_upgrade_mail = True
        self._invoices([(customer, 2000, 1)])
        self._evaluate()
        mail = self.env["mail.mail"].search([("recipient_ids", "in", customer.ids)])
        self.assertEqual(len(mail), 1)
        self.assertIn("Silver", mail.subject)

    def test_evaluate_button_on_partner(self):
        customer = self._customers("Button")
        self._invoices([(customer, 2000, 1)])
        action = customer.with_user(self.user_vip).action_vip_evaluate()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(customer.vip_tier_id, self.silver)

    def test_no_tier_configured_does_nothing(self):
        company = self.env["res.company"].create({"name": "No Tier Co"})
        self.env.user.company_ids |= company
        partners = self.env["res.partner"].with_company(company)
        # logging.INFO, not "INFO": Odoo gives that name to its RUNBOT level
        with self.assertLogs(
            "odoo.addons.partner_vip_care.models.vip_tier_evaluation", logging.INFO
        ) as logs:
            changed = partners._vip_evaluate_tiers()
        self.assertFalse(changed)
        self.assertIn("no tier configured", logs.output[0])


@tagged("post_install", "-at_install", "vip_tier")
class TestTierRules(VipTierCommon):
    def test_bad_tier_input_is_refused(self):
        cases = [
            ({"qualify_amount": -1}, "negative"),
            ({"retain_amount": 2000, "qualify_amount": 1000}, "retain"),
            ({"promise_limit": -5}, "negative"),
            ({"level": self.gold.level}, "level"),
            ({"qualify_amount": self.gold.qualify_amount}, "qualify"),
            ({"response_hours": 0}, "response"),
            ({"visit_interval_days": -3}, "visit"),
        ]
        for vals, label in cases:
            with self.subTest(label), self.assertRaises(ValidationError):
                self.silver.write(vals)

    def test_new_tier_gets_next_level(self):
        tier = self.env["vip.tier"].create(
            {"name": "Diamond", "qualify_amount": 90000, "retain_amount": 80000}
        )
        self.assertEqual(tier.level, self.platinum.level + 1)

    def test_drag_reorder_swaps_levels(self):
        (self.gold | self.silver).web_resequence({}, "level", self.silver.level)
        self.assertEqual(self.gold.level + 1, self.silver.level)

    def test_lock_needs_reason(self):
        customer = self._customers("Lock me")
        with self.assertRaises(ValidationError):
            customer.write({"vip_tier_locked": True})

    def test_referral_count_ignores_contacts(self):
        referrer, referred = self._customers("Referrer", "Referred")
        self.env["res.partner"].create(
            {"name": "Referred buyer", "parent_id": referred.id}
        )
        referred.vip_referred_by_id = referrer
        self.assertEqual(referrer.vip_referral_count, 1)
        with self.assertRaises(ValidationError):
            referrer.vip_referred_by_id = referrer

    def test_partner_count(self):
        customers = self._customers("pc1", "pc2")
        customers.vip_tier_id = self.gold
        self.env["res.partner"].create(
            {"name": "pc contact", "parent_id": customers[0].id}
        )
        self.assertEqual(self.gold.partner_count, 2, "contacts are not counted")


@tagged("post_install", "-at_install", "vip_tier", "vip_security")
class TestTierAccess(VipTierCommon):
    def test_manager_changes_tier_by_hand_with_history(self):
        customer = self._customers("Manual")
        customer.with_user(self.user_manager).vip_tier_id = self.gold
        row = customer.vip_tier_history_ids
        self.assertEqual(row.reason, "manual")
        self.assertEqual(row.new_tier_id, self.gold)
        self.assertEqual(row.user_id, self.user_manager)
        self.assertEqual(customer.vip_since, self.today)

    def test_user_cannot_change_or_lock_tier(self):
        customer = self._customers("Not yours")
        with self.assertRaises(UserError):
            customer.with_user(self.user_vip).vip_tier_id = self.gold
        with self.assertRaises(UserError):
            customer.with_user(self.user_vip).write(
                {"vip_tier_locked": True, "vip_lock_reason": "x"}
            )

    def test_only_administrators_configure_tiers(self):
        with self.assertRaises(AccessError):
            self.gold.with_user(self.user_manager).write({"name": "Golden"})
        with self.assertRaises(AccessError):
            self.env["vip.tier"].with_user(self.user_vip).create({"name": "Mine"})
        self.gold.with_user(self.user_admin).write({"name": "Golden"})
        self.assertEqual(self.gold.name, "Golden")

    def test_internal_users_read_vip_fields(self):
        customer = self._customers("Visible")
        customer.vip_tier_id = self.gold
        as_internal = customer.with_user(self.user_internal)
        self.assertEqual(as_internal.vip_tier_id.name, "Gold")
        as_internal.invalidate_recordset()
        data = as_internal.web_read(
            {"vip_tier_id": {"fields": {"display_name": {}}}, "vip_revenue": {}}
        )
        self.assertEqual(data[0]["vip_tier_id"]["display_name"], "Gold")


@tagged("post_install", "-at_install", "vip_tier", "vip_multi_company")
class TestTierMultiCompany(VipTierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "AAA Branch B"})
        cls.env["account.chart.template"].try_loading(
            "generic_coa", cls.company_b, install_demo=False
        )
        cls.env.user.company_ids |= cls.company_b
        cls.tier_b = cls.env["vip.tier"].create(
            {
                "name": "B Club",
                "company_id": cls.company_b.id,
                "qualify_amount": 100,
                "retain_amount": 100,
            }
        )

    def test_each_company_evaluates_its_customers_with_its_tiers(self):
        own_b = self._customers("B only", company_id=self.company_b.id)
        shared = self._customers("Shared", user_id=self.user_vip.id)
        unassigned = self._customers("Shared, no salesperson")
        self._invoices(
            [(own_b, 500, 1), (shared, 500, 1), (unassigned, 500, 1)],
            company=self.company_b,
        )
        self._invoices([(shared, 2000, 1), (unassigned, 1500, 1)])
        self.env["res.partner"].with_company(self.company_b)._vip_evaluate_tiers()
        self.assertEqual(own_b.vip_tier_id, self.tier_b)
        self.assertFalse(
            shared.vip_tier_id, "its salesperson works for the main company"
        )
        self._evaluate()
        self.assertEqual(shared.vip_tier_id, self.silver)
        self.assertEqual(own_b.vip_tier_id, self.tier_b, "main company leaves it alone")
        self.assertEqual(shared.vip_revenue, 2000, "revenue of the main company only")
        self.assertEqual(
            unassigned.vip_tier_id, self.silver, "no salesperson: the main company's"
        )

    def test_tier_rule_hides_other_company_tiers(self):
        user = self.user_admin
        user.company_ids = self.company
        self.assertFalse(
            self.env["vip.tier"].with_user(user).search([("id", "=", self.tier_b.id)])
        )
