from datetime import date, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.partner_vip_care.models.res_partner_health_engine import (
    health_assessment,
)

from .common import VipCareCommon

# the nightly runs of these tests happen on this day (and later ones)
RUN_DAY = date(2024, 6, 20)


@tagged("post_install", "-at_install", "vip_health")
class TestHealth(VipCareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "vip_lapse_factor": 3.0,
                "vip_lapse_min_days": 60,
                "vip_lost_days": 365,
                "vip_escalation_user_id": cls.user_manager.id,
            }
        )
        cls.win_back = cls.env.ref("partner_vip_care.mail_activity_type_vip_win_back")
        cls.Partner = cls.env["res.partner"]

    @classmethod
    def _customer(cls, name, **vals):
        return cls.Partner.create(
            {"name": name, "is_company": True, "user_id": cls.user_vip.id, **vals}
        )

    @classmethod
    def _invoice(cls, partners_days, amount=1000.0):
        """Posted invoices from (partner, invoice date) pairs, in one batch."""
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
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
                for partner, day in partners_days
            ]
        )
        moves.action_post()
        return moves

    @classmethod
    def _monthly(cls, partners, last_day, count=11, every=30):
        cls._invoice(
            [
                (partner, last_day - timedelta(days=every * n))
                for partner in partners
                for n in range(count)
            ]
        )

    def _run(self, day):
        with freeze_time(day):
            self.env.invalidate_all()
            self.Partner._cron_vip_health()
            self.env.invalidate_all()

    def _win_back_activities(self, partners):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("activity_type_id", "=", self.win_back.id),
            ]
        )

    def test_lapse_win_back(self):
        """Every 30 days, then silent for 95 days: lapsed with one win-back activity;
        a rerun adds nothing; a new invoice makes it won back."""
        customer = self._customer("Regular Buyer")
        self._monthly(customer, RUN_DAY - timedelta(days=95))
        self._run(RUN_DAY)
        self.assertEqual(customer.vip_lifecycle_stage, "lapsed")
        self.assertEqual(customer.vip_order_interval_days, 30)
        self.assertEqual(customer.vip_stage_since, RUN_DAY)
        self.assertEqual(
            customer.vip_first_invoice_date, RUN_DAY - timedelta(days=95 + 300)
        )
        with freeze_time(RUN_DAY):
            self.assertEqual(customer.vip_days_since_invoice, 95)
            self.assertIn(
                "no invoice for 95 days, usually every 30", customer.vip_health_reasons
            )
        self.assertLess(customer.vip_health_score, 100)
        activity = self._win_back_activities(customer)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_vip)
        messages = len(customer.message_ids)
        values = customer.read(["vip_health_score", "vip_health_factors", "write_date"])

        # a second run, the same day or the next, adds nothing
        self._run(RUN_DAY)
        self.assertEqual(len(self._win_back_activities(customer)), 1)
        self.assertEqual(len(customer.message_ids), messages)
        self.assertEqual(
            customer.read(["vip_health_score", "vip_health_factors", "write_date"]),
            values,
        )
        self._run(RUN_DAY + timedelta(days=1))
        self.assertEqual(customer.vip_lifecycle_stage, "lapsed")
        self.assertEqual(len(self._win_back_activities(customer)), 1)

        # invoicing again: won back at once, the activity is done
        with freeze_time(RUN_DAY + timedelta(days=2)):
            self._invoice([(customer, RUN_DAY + timedelta(days=2))])
        self.assertEqual(customer.vip_lifecycle_stage, "won_back")
        self.assertFalse(self._win_back_activities(customer))
        self.env.invalidate_all()
        self.assertTrue(
            customer.message_ids.filtered(lambda m: "<b>Won Back</b>" in m.body)
        )
        # the nightly run keeps it won back, and a new lapse plans a new activity
        self._run(RUN_DAY + timedelta(days=3))
        self.assertEqual(customer.vip_lifecycle_stage, "won_back")
        self._run(RUN_DAY + timedelta(days=2 + 95))
        self.assertEqual(customer.vip_lifecycle_stage, "lapsed")
        self.assertEqual(len(self._win_back_activities(customer)), 1)
        self._run(RUN_DAY + timedelta(days=2 + 365))
        self.assertEqual(customer.vip_lifecycle_stage, "lost")
        self.assertEqual(len(self._win_back_activities(customer)), 1)

    def test_single_invoice_minimum_lapse(self):
        """One invoice: no interval, the minimum lapse days apply; a short rhythm
        never lapses before them either."""
        early, late = self._customer("One Order A"), self._customer("One Order B")
        fast = self._customer("Fast Buyer")
        self._invoice(
            [
                (early, RUN_DAY - timedelta(days=59)),
                (late, RUN_DAY - timedelta(days=60)),
            ]
        )
        # every 10 days, silent for 35: 3 × 10 is below the 60 minimum days
        self._monthly(fast, RUN_DAY - timedelta(days=35), count=6, every=10)
        self._run(RUN_DAY)
        self.assertEqual(early.vip_lifecycle_stage, "new")
        self.assertFalse(early.vip_order_interval_days)
        self.assertEqual(late.vip_lifecycle_stage, "lapsed")
        self.assertEqual(fast.vip_order_interval_days, 10)
        self.assertNotIn(fast.vip_lifecycle_stage, ("lapsed", "lost"))
        with freeze_time(RUN_DAY):
            self.assertIn("a single invoice so far", early.vip_health_reasons)

    def test_salesperson_fallback(self):
        customer = self._customer("Orphan Buyer", user_id=False)
        self._monthly(customer, RUN_DAY - timedelta(days=100), count=3)
        self._run(RUN_DAY)
        self.assertEqual(customer.vip_lifecycle_stage, "lapsed")
        self.assertEqual(self._win_back_activities(customer).user_id, self.user_manager)

    def test_components(self):
        """Breached complaints and broken promises lower the score, with reasons."""
        customer = self._customer("Unhappy Buyer")
        self._monthly(customer, RUN_DAY - timedelta(days=5), count=12)
        self._run(RUN_DAY)
        self.assertEqual(customer.vip_lifecycle_stage, "active")
        self.assertEqual(customer.vip_health_score, 100)
        self.assertFalse(customer.vip_health_reasons)
        with freeze_time(RUN_DAY - timedelta(days=10)):
            complaint = self.env["vip.complaint"].create(
                {"subject": "Late delivery", "partner_id": customer.id}
            )
        # the SLA clock records the breach (issue 21: its history is counted)
        with freeze_time(RUN_DAY - timedelta(days=2)):
            complaint._cron_check_sla()
        self.assertEqual(complaint.response_sla_state, "breached")
        self._run(RUN_DAY)
        self.assertLess(customer.vip_health_score, 100)
        self.assertIn("1 breached complaint(s) in 90 days", customer.vip_health_reasons)
        # the satisfaction campaigns' last answer, a detractor's
        customer.sudo().write({"vip_last_nps": 3, "vip_last_nps_date": RUN_DAY})
        self._run(RUN_DAY)
        self.assertIn("last NPS answer 3/10", customer.vip_health_reasons)

    def test_assessment_rules(self):
        settings = {
            "weights": self.company._vip_health_weights(),
            "factor": 3.0,
            "min_days": 60,
            "lost_days": 365,
            "at_risk": 60,
        }
        base = {
            "first": RUN_DAY - timedelta(days=400),
            "last": RUN_DAY - timedelta(days=10),
            "median": 30.0,
            "revenue": 1000.0,
            "previous_revenue": 1000.0,
            "complaints": 0,
            "promises": 0,
            "nps": None,
            "visit_due": None,
            "stage": "active",
            "since": None,
        }
        self.assertEqual(
            health_assessment(base, settings, RUN_DAY), (100, "", "active")
        )
        score, factors, stage = health_assessment(
            dict(base, revenue=0.0, complaints=3, promises=3), settings, RUN_DAY
        )
        self.assertEqual(stage, "at_risk")
        self.assertEqual(score, 50)
        self.assertIn("trend:25:100", factors)
        score, factors, stage = health_assessment(
            dict(base, last=RUN_DAY - timedelta(days=400)), settings, RUN_DAY
        )
        self.assertEqual(stage, "lost")

    def test_history_per_month(self):
        """One snapshot per customer and month; the churn rate of a month is the
        share of the customers active at its start that lapsed during it."""
        stays, leaves = self._customer("Steady Buyer"), self._customer("Leaving Buyer")
        self._monthly(stays, RUN_DAY - timedelta(days=2), count=14)
        self._monthly(leaves, RUN_DAY - timedelta(days=60))
        History = self.env["vip.health.history"]
        customers = stays | leaves
        self._run(RUN_DAY)
        self._run(RUN_DAY + timedelta(days=1))
        self.assertEqual(History.search_count([("partner_id", "in", customers.ids)]), 2)
        june = RUN_DAY.replace(day=1)
        july = date(2024, 7, 1)
        self._run(date(2024, 7, 25))  # 75 days: leaves is lapsed
        self._run(date(2024, 7, 26))
        rows = History.search([("partner_id", "in", customers.ids)])
        self.assertEqual(len(rows), 4)
        self.assertEqual(
            {(r.partner_id, r.month, r.stage) for r in rows},
            {
                (stays, june, "active"),
                (leaves, june, "active"),
                (stays, july, "active"),
                (leaves, july, "lapsed"),
            },
        )
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            History.sudo().create(
                {"partner_id": stays.id, "company_id": self.company.id, "month": july}
            )
            self.env.flush_all()
        with self.assertRaises(UserError):
            rows[0].with_user(self.user_manager).write({"score": 1})
        report = self.env["vip.health.report"].with_user(self.user_manager)
        groups = report._read_group(
            [("partner_id", "in", customers.ids)],
            ["month:month"],
            ["churn_rate:avg", "churned_count:sum", "active_start_count:sum"],
        )
        by_month = {month: rest for month, *rest in groups}
        self.assertEqual(by_month[july], [50.0, 1, 2])
        self.assertEqual(by_month[june][1:], [0, 0])

    def test_query_count_constant(self):
        """The queries of a run do not grow with the customers that change."""
        first = [self._customer(f"Lapsing {n}") for n in range(3)]
        self._monthly(
            self.Partner.concat(*first), RUN_DAY - timedelta(days=95), count=4
        )
        self.env.flush_all()
        counts = []
        for size in (1, 3, 9):  # the first run warms the caches
            batch = self.Partner.concat(
                *(self._customer(f"Batch {size} {n}") for n in range(size))
            )
            day = RUN_DAY + timedelta(days=size)
            self._monthly(batch, day - timedelta(days=95), count=4)
            self.env.flush_all()
            self.env.invalidate_all()
            with freeze_time(day):
                before = self.cr.sql_log_count
                moved = self.Partner._vip_compute_health()
                self.env.flush_all()
                counts.append(self.cr.sql_log_count - before)
            self.assertEqual(moved & batch, batch)
            self.assertEqual(len(self._win_back_activities(batch)), size)
        self.assertEqual(counts[1], counts[2])

    def test_settings_and_share_of_wallet(self):
        with self.assertRaises(ValidationError):
            self.company.vip_lapse_factor = 0.5
        with self.assertRaises(ValidationError):
            self.company.vip_health_weight_recency = -1
        customer = self._customer("Big Spender", vip_estimated_potential=10000)
        customer.sudo().write({"vip_revenue": 2500})
        self.assertEqual(customer.vip_share_of_wallet, 25.0)
        with self.assertRaises(UserError):
            customer.with_user(self.user_vip).write({"vip_lifecycle_stage": "active"})

    def test_contact_of_assessed_customer(self):
        """A contact added by a plain user copies the company's health values (the
        commercial sync is no forged write)."""
        customer = self._customer("Family Business")
        self._monthly(customer, RUN_DAY - timedelta(days=95))
        self._run(RUN_DAY)
        contact = self.Partner.with_user(self.user_internal).create(
            {"name": "Buyer", "parent_id": customer.id}
        )
        self.assertEqual(contact.vip_lifecycle_stage, "lapsed")
        self.assertEqual(contact.vip_order_interval_days, 30)

    def test_scheduler_run(self):
        """The cron record runs the job through the scheduler, committing per batch."""
        customer = self._customer("Scheduled Buyer")
        self._monthly(customer, RUN_DAY - timedelta(days=95))
        cron = self.env.ref("partner_vip_care.ir_cron_vip_health")
        with freeze_time(RUN_DAY), self.enter_registry_test_mode():
            cron.method_direct_trigger()
        customer.invalidate_recordset()
        self.assertEqual(customer.vip_lifecycle_stage, "lapsed")
        self.assertEqual(len(self._win_back_activities(customer)), 1)
