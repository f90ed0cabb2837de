"""Integrity of tiers, the promise ledger and SLA results, tried as an RPC client
would: real HTTP JSON-RPC calls to /web/dataset/call_kw, as each role."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common_rpc import VipRpcCase

MODULE = "partner_vip_care"


@tagged("post_install", "-at_install", "vip_security")
class TestIntegrityRpc(VipRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user_vip = new_test_user(
            env,
            login="rpc_vip_user",
            groups="base.group_user,base.group_partner_manager,"
            "partner_vip_care.group_vip_user",
        )
        cls.user_manager = new_test_user(
            env,
            login="rpc_vip_manager",
            groups="base.group_user,base.group_partner_manager,"
            "partner_vip_care.group_vip_manager",
        )
        cls.user_admin = new_test_user(
            env,
            login="rpc_vip_admin",
            groups="base.group_user,partner_vip_care.group_vip_admin",
        )
        cls.gold = env.ref("partner_vip_care.vip_tier_gold")
        cls.silver = env.ref("partner_vip_care.vip_tier_silver")
        cls.top = env["vip.tier"].search(
            [("company_id", "=", env.company.id)], order="level desc", limit=1
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "Northwind Traders",
                "is_company": True,
                "email": "buyer@northwind.example.com",
                "user_id": cls.user_vip.id,
                "vip_tier_id": cls.silver.id,
            }
        )
        cls.promise = (
            env["vip.promise"]
            .with_user(cls.user_vip)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "description": "Free on-site training",
                    "value": cls.silver.promise_limit + 5000,
                    "deadline": fields.Date.today() + timedelta(days=10),
                }
            )
        )
        cls.promise.action_submit()
        received = datetime.now() - timedelta(days=20)
        with freeze_time(received):
            cls.complaint = env["vip.complaint"].create(
                {
                    "subject": "Wrong parts delivered",
                    "partner_id": cls.customer.id,
                    "user_id": cls.user_vip.id,
                }
            )
        env["vip.complaint"]._cron_check_sla()

    # the holes of the integrity issue, one per test

    def test_user_cannot_forge_a_tier(self):
        forged = {
            "vip_tier_id": self.top.id,
            "vip_tier_locked": True,
            "vip_lock_reason": "I said so",
        }
        self.assertRefused(
            self.user_vip, "res.partner", "write", [self.customer.id], forged
        )
        self.assertRefused(
            self.user_vip,
            "res.partner",
            "create",
            [{"name": "Instant VIP", "is_company": True, **forged}],
        )
        for fname, value in (
            ("vip_revenue", 10**9),
            ("vip_pareto_class", "a"),
            ("vip_since", "2020-01-01"),
        ):
            self.assertRefused(
                self.user_manager,
                "res.partner",
                "write",
                [self.customer.id],
                {fname: value},
            )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.vip_tier_id, self.silver)
        self.assertFalse(self.customer.vip_tier_locked)
        self.assertFalse(self.customer.vip_tier_history_ids)

    def test_manager_tier_change_is_logged(self):
        self._call(
            self.user_manager,
            "res.partner",
            "write",
            [self.customer.id],
            {"vip_tier_id": self.gold.id},
        )
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.vip_tier_id, self.gold)
        row = self.customer.vip_tier_history_ids
        self.assertEqual((row.reason, row.user_id), ("manual", self.user_manager))

    def test_user_cannot_skip_the_approval(self):
        self.assertEqual(self.promise.state, "to_approve")
        for vals in (
            {"state": "open"},
            {"approver_id": self.user_vip.id},
            {"limit_applied": 999999},
            {"needs_approval": False},
        ):
            self.assertRefused(
                self.user_vip, "vip.promise", "write", [self.promise.id], vals
            )
        self.assertRefused(
            self.user_vip,
            "vip.promise",
            "create",
            [
                {
                    "partner_id": self.customer.id,
                    "description": "Pre-approved",
                    "value": 10**6,
                    "state": "open",
                }
            ],
        )
        self.assertRefused(
            self.user_vip,
            "vip.promise",
            "action_approve",
            [self.promise.id],
            error="AccessError",
        )
        self.promise.invalidate_recordset()
        self.assertEqual(self.promise.state, "to_approve")
        self.assertFalse(self.promise.approver_id)

    def test_manager_cannot_approve_a_promise_made_in_his_name(self):
        promise = (
            self.env["vip.promise"]
            .with_user(self.user_manager)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.user_vip.id,
                    "description": "Dinner",
                    "value": 10**5,
                    "deadline": fields.Date.today() + timedelta(days=3),
                }
            )
        )
        promise.with_user(self.user_manager).action_submit()
        self.assertRefused(
            self.user_manager,
            "vip.promise",
            "action_approve",
            [promise.id],
            error="AccessError",
        )
        self.assertEqual(promise.state, "to_approve")

    def test_responsible_cannot_clear_a_breach(self):
        complaint = self.complaint
        self.assertEqual(complaint.response_sla_state, "breached")
        before = complaint.read(
            [
                "response_sla_state",
                "escalation_level",
                "response_deadline",
                "received_on",
                "responded_on",
            ]
        )[0]
        later = fields.Datetime.to_string(datetime.now() + timedelta(days=30))
        earlier = fields.Datetime.to_string(complaint.received_on)
        for vals in (
            {"response_sla_state": "met"},
            {"escalation_level": 0},
            {"response_deadline": later},
            {"received_on": later},
            {"responded_on": earlier},
            {"state": "closed"},
        ):
            self.assertRefused(
                self.user_vip, "vip.complaint", "write", [complaint.id], vals
            )
        complaint.invalidate_recordset()
        self.assertEqual(complaint.read(list(before)[1:])[0], before)

    def test_complaint_reference_and_reception_not_forged_at_creation(self):
        future = fields.Datetime.to_string(datetime.now() + timedelta(days=3))
        self.assertRefused(
            self.user_vip,
            "vip.complaint",
            "create",
            [{"subject": "x", "partner_id": self.customer.id, "received_on": future}],
        )
        complaint_id = self._call(
            self.user_vip,
            "vip.complaint",
            "create",
            [{"subject": "y", "partner_id": self.customer.id, "name": "CMP/0001"}],
        )[0]
        self.assertNotEqual(
            self.env["vip.complaint"].browse(complaint_id).name, "CMP/0001"
        )

    def test_administrator_corrects_sla_with_reason(self):
        complaint = self.complaint
        self.assertRefused(
            self.user_manager,
            "vip.complaint",
            "action_correct_sla",
            [complaint.id],
            "response_sla_state",
            "met",
            "Customer phoned back in time",
            error="AccessError",
        )
        self._call(
            self.user_admin,
            "vip.complaint",
            "action_correct_sla",
            [complaint.id],
            "response_sla_state",
            "met",
            "Customer phoned back in time",
        )
        complaint.invalidate_recordset()
        self.assertEqual(complaint.response_sla_state, "met")
        note = complaint.message_ids[0]
        self.assertIn("Customer phoned back in time", note.body)
        self.assertIn(self.user_admin.name, note.body)
        self.assertIn("Breached", note.body)

    def test_forged_sync_key_does_not_desynchronise_a_meeting(self):
        meeting = self.env["vip.meeting"].create(
            {
                "name": "Supplier day",
                "start": datetime.now() + timedelta(days=5),
                "stop": datetime.now() + timedelta(days=5, hours=2),
                "user_id": self.user_vip.id,
                "attendee_ids": [Command.create({"partner_id": self.customer.id})],
            }
        )
        meeting.action_plan()
        later = datetime.now().replace(microsecond=0) + timedelta(days=9)
        self._call(
            self.user_vip,
            "vip.meeting",
            "write",
            [meeting.id],
            {
                "start": fields.Datetime.to_string(later),
                "stop": fields.Datetime.to_string(later + timedelta(hours=2)),
            },
        )
        meeting.invalidate_recordset()
        meeting.calendar_event_id.invalidate_recordset()
        self.assertEqual(meeting.calendar_event_id.start, later)

    # generated: every read-only field of the module's models

    def _sample_records(self):
        env = self.env
        # an open promise, which the manager may also act on
        self.promise.with_user(self.user_manager).action_approve()
        meeting = env["vip.meeting"].create(
            {
                "name": "Quality meeting",
                "start": datetime.now() + timedelta(days=3),
                "stop": datetime.now() + timedelta(days=3, hours=2),
                "user_id": self.user_vip.id,
                "attendee_ids": [Command.create({"partner_id": self.customer.id})],
            }
        )
        meeting.action_plan()
        suggestion = env["vip.suggestion"].create(
            {
                "name": "Bilingual invoices",
                "partner_id": self.customer.id,
                "user_id": self.user_vip.id,
            }
        )
        visit = env["vip.visit"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.user_vip.id,
                "summary": "Quarterly review",
            }
        )
        history = env["vip.tier.history"].create(
            {"partner_id": self.customer.id, "reason": "manual"}
        )
        calendar = env["resource.calendar"].create({"name": "Shanghai office"})
        holiday_year = env["vip.holiday.year"].create(
            {"calendar_id": calendar.id, "country_code": "CN", "year": 2026}
        )
        workday = env["resource.calendar.workday"].create(
            {
                "calendar_id": calendar.id,
                "date": "2026-02-14",
                "dayofweek_template": "4",
                "holiday_year_id": holiday_year.id,
            }
        )
        campaign = env["vip.survey.campaign"].create(
            {"name": "Spring survey", "tier_ids": [Command.set(self.silver.ids)]}
        )
        campaign.action_select_participants()
        # sudo: the nightly health job writes the snapshots
        health = (
            env["vip.health.history"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": env.company.id,
                    "month": fields.Date.today().replace(day=1),
                    "score": 80,
                    "stage": "active",
                    "tier_id": self.silver.id,
                }
            )
        )
        digest = (
            env["vip.monthly.digest"]
            .sudo()
            .create(
                {
                    "company_id": env.company.id,
                    "user_id": self.user_manager.id,
                    "month": "2026-01-01",
                }
            )
        )
        return {
            **self._care_samples(),
            **self._ledger_samples(),
            "vip.holiday.year": holiday_year,
            "resource.calendar.workday": workday,
            "vip.survey.campaign": campaign,
            "vip.survey.participant": campaign.participant_ids[:1],
            "vip.monthly.digest": digest,
            "res.partner": self.customer,
            "vip.promise": self.promise,
            "vip.complaint": self.complaint,
            "vip.sla.milestone": self.complaint.sla_milestone_ids[:1],
            "vip.meeting": meeting,
            "vip.meeting.attendee": meeting.attendee_ids,
            "vip.suggestion": suggestion,
            "vip.visit": visit,
            "vip.tier": self.gold,
            "vip.tier.history": history,
            "vip.health.history": health,
            # sudo: the coupons given are written by the server only
            "vip.loyalty.reward": env["vip.loyalty.reward"]
            .sudo()
            .create(
                {
                    "kind": "welcome",
                    "date": fields.Date.today(),
                    "company_id": env.company.id,
                    "partner_id": self.customer.id,
                    "tier_id": self.silver.id,
                    "year": 2026,
                    "program_id": env["loyalty.program"]
                    .create({"name": "Welcome", "program_type": "coupons"})
                    .id,
                }
            ),
            "vip.sla.policy": env["vip.sla.policy"].search([], limit=1),
            "vip.complaint.category": env["vip.complaint.category"].search([], limit=1),
            "vip.complaint.team": env["vip.complaint.team"].create(
                {
                    "name": "Service desk",
                    "member_ids": [Command.set(self.user_vip.ids)],
                    "last_member_id": self.user_vip.id,
                }
            ),
        }

    def _care_samples(self):
        env = self.env
        benefit = env["vip.benefit"].create({"name": "On-site training"})
        occasion = env["vip.care.occasion"].create(
            {"partner_id": self.customer.id, "festival": "mid_autumn"}
        )
        plan = env["vip.account.plan"].create(
            {
                "name": "Account plan",
                "partner_id": self.customer.id,
                "user_id": self.user_vip.id,
                "line_ids": [Command.create({"kpi": "visits", "target": 3})],
            }
        )
        return {
            "vip.benefit": benefit,
            "vip.tier.benefit": env["vip.tier.benefit"].create(
                {"tier_id": self.silver.id, "benefit_id": benefit.id}
            ),
            "vip.benefit.usage": env["vip.benefit.usage"]
            .with_user(self.user_vip)
            .create({"partner_id": self.customer.id, "benefit_id": benefit.id}),
            "vip.care.occasion": occasion,
            # sudo: the care calendar job writes the reminders
            "vip.care.reminder": env["vip.care.reminder"]
            .sudo()
            .create(
                {
                    "occasion_id": occasion.id,
                    "year": 2026,
                    "date": "2026-09-25",
                    "user_id": self.user_vip.id,
                }
            ),
            "vip.account.plan": plan,
            "vip.account.plan.line": plan.line_ids,
        }

    def _ledger_samples(self):
        template = self.env["mail.template"].search([], limit=1)
        return {
            "vip.template.use": self.env["vip.template.use"]._vip_record(
                {template.id: 1}
            ),
            # the promise of the class drew its number
            "vip.promise.number": self.env["vip.promise.number"].search([], limit=1),
        }

    def _guarded_models(self):
        """Stored models of the module, and res.partner that it extends."""
        names = ["res.partner"]
        for name, model in self.env.registry.items():
            if (
                model._original_module == MODULE
                and not model._abstract
                and not model._transient
                and model._auto
            ):
                names.append(name)
        return names

    def _forged_value(self, record, fname):
        field = record._fields[fname]
        current = record[fname]
        kind = field.type
        if kind in ("char", "text", "html"):
            return "forged"
        if kind in ("integer", "float", "monetary"):
            return (current or 0) + 7
        if kind == "boolean":
            return not current
        if kind == "date":
            return "2031-01-02"
        if kind == "datetime":
            return "2031-01-02 03:04:05"
        if kind == "selection":
            keys = [key for key, _label in field._description_selection(self.env)]
            return next(key for key in keys if key != current)
        other = (
            self.env[field.comodel_name]
            .sudo()
            .search([("id", "not in", current.ids)], limit=1)
        )
        if kind == "many2one":
            return other.id
        return [Command.set(other.ids)]

    def test_readonly_fields_cannot_be_written_over_rpc(self):
        records = self._sample_records()
        checked = 0
        for model in self._guarded_models():
            self.assertIn(model, records, f"add a sample record of {model}")
            record = records[model]
            for fname, field in record._fields.items():
                if not (field.readonly and field._module == MODULE):
                    continue
                if model == "res.partner" and not fname.startswith("vip_"):
                    continue
                before = record.sudo()[fname]
                value = self._forged_value(record, fname)
                for user in (self.user_vip, self.user_manager):
                    with self.subTest(model=model, field=fname, user=user.login):
                        with self.assertRaises(JsonRpcException):
                            self._call(
                                user, model, "write", [record.id], {fname: value}
                            )
                        record.invalidate_recordset()
                        self.assertEqual(record.sudo()[fname], before)
                checked += 1
        self.assertGreater(checked, 40, "the walk must reach the module's fields")
