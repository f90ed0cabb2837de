from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import VipComplaintCommon

# 2026-03-06 is a Friday, 2026-03-09 the next Monday.
FRIDAY_15 = datetime(2026, 3, 6, 15, 0)
MONDAY_9 = datetime(2026, 3, 9, 9, 0)


@tagged("post_install", "-at_install", "vip_complaint")
class TestComplaintDeadlines(VipComplaintCommon):
    @freeze_time(FRIDAY_15)
    def test_deadlines_skip_weekend(self):
        complaint = self._complaint()
        self.assertRegex(complaint.name, r"^CMP/2026/\d+$")
        self.assertEqual(complaint.tier_id, self.tier_gold)
        # 2 hours on Friday afternoon, the weekend does not count, 2 on Monday
        self.assertEqual(complaint.response_deadline, datetime(2026, 3, 9, 10, 0))
        # 16 hours: Friday 2, Monday 8, Tuesday 6
        self.assertEqual(complaint.resolution_deadline, datetime(2026, 3, 10, 15, 0))
        self.assertEqual(complaint.response_sla_state, "running")
        self.assertEqual(complaint.resolution_sla_state, "running")
        # at risk after 75% of the 4 hours: Friday 2 hours plus Monday 1 hour
        self.assertEqual(complaint.response_risk_on, datetime(2026, 3, 9, 9, 0))
        self.assertEqual(complaint.sla_next_check, datetime(2026, 3, 9, 9, 0))
        self.assertEqual(complaint.next_deadline, complaint.response_deadline)

    @freeze_time(FRIDAY_15)
    def test_deadlines_skip_public_holiday(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 9, 0, 0),
                "date_to": datetime(2026, 3, 9, 23, 59, 59),
                "time_type": "leave",
            }
        )
        complaint = self._complaint()
        self.assertEqual(complaint.response_deadline, datetime(2026, 3, 10, 10, 0))
        self.assertEqual(complaint.resolution_deadline, datetime(2026, 3, 11, 15, 0))

    @freeze_time(FRIDAY_15)
    def test_policy_order_and_fallbacks(self):
        Policy = self.env["vip.sla.policy"]
        Policy.create(
            {
                "name": "Gold, any severity",
                "sequence": 20,
                "tier_ids": [Command.set(self.tier_gold.ids)],
                "response_hours": 3,
                "resolution_hours": 12,
            }
        )
        critical = Policy.create(
            {
                "name": "Gold, critical",
                "sequence": 10,
                "tier_ids": [Command.set(self.tier_gold.ids)],
                "severity": "critical",
                "response_hours": 1,
                "resolution_hours": 4,
            }
        )
        billing = Policy.create(
            {
                "name": "Billing, everybody",
                "sequence": 30,
                "category_ids": [Command.set(self.category_billing.ids)],
                "response_hours": 6,
                "resolution_hours": 20,
            }
        )
        other_company = self.env["res.company"].create({"name": "Other Co"})
        Policy.create(
            {
                "name": "Other company catches all",
                "sequence": 1,
                "company_id": other_company.id,
                "response_hours": 1,
                "resolution_hours": 1,
            }
        )
        first = self._complaint(severity="critical")
        self.assertEqual(first.sla_policy_id, critical)
        self.assertEqual(first.response_deadline, datetime(2026, 3, 6, 16, 0))
        self.assertEqual(first.resolution_deadline, datetime(2026, 3, 9, 10, 0))
        normal = self._complaint(category_id=self.category_billing.id)
        self.assertEqual(normal.sla_policy_id.name, "Gold, any severity")
        self.assertEqual(normal.response_deadline, datetime(2026, 3, 9, 9, 0))
        # no tier: only the category policy can match
        plain = self._complaint(
            partner_id=self.customer_plain.id, category_id=self.category_billing.id
        )
        self.assertEqual(plain.sla_policy_id, billing)
        self.assertFalse(plain.tier_id)
        # no policy, no tier: the company's default hours
        default = self._complaint(partner_id=self.customer_plain.id)
        self.assertFalse(default.sla_policy_id)
        self.assertEqual(default.response_hours, 8)
        self.assertEqual(default.response_deadline, datetime(2026, 3, 9, 15, 0))
        # no policy, tier: the tier's hours
        silver_customer = self.env["res.partner"].create(
            {"name": "Silver Co", "vip_tier_id": self.tier_silver.id}
        )
        silver = self._complaint(partner_id=silver_customer.id)
        self.assertFalse(silver.sla_policy_id)
        self.assertEqual((silver.response_hours, silver.resolution_hours), (8, 40))

    @freeze_time(FRIDAY_15)
    def test_policy_calendar_overrides_company(self):
        calendar_24 = self.env["resource.calendar"].create(
            {
                "name": "Round the clock",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"day {day}",
                            "dayofweek": str(day),
                            "hour_from": 0,
                            "hour_to": 24,
                            "day_period": "full_day",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        self.env["vip.sla.policy"].create(
            {
                "name": "Critical 24/7",
                "severity": "critical",
                "response_hours": 10,
                "resolution_hours": 24,
                "calendar_id": calendar_24.id,
            }
        )
        complaint = self._complaint(severity="critical")
        self.assertEqual(complaint.calendar_id, calendar_24)
        self.assertEqual(complaint.response_deadline, datetime(2026, 3, 7, 1, 0))

    @freeze_time(FRIDAY_15)
    def test_tier_snapshot_at_intake(self):
        complaint = self._complaint(partner_id=self.contact.id)
        self.assertEqual(complaint.tier_id, self.tier_gold)
        deadline = complaint.response_deadline
        self.customer.vip_tier_id = self.tier_silver
        complaint.action_start()
        self.assertEqual(complaint.tier_id, self.tier_gold)
        self.assertEqual(complaint.response_deadline, deadline)
        self.assertTrue(complaint.is_vip)

    def test_pause_and_resume_push_resolution_deadline(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint()
            complaint.action_acknowledge()
            complaint.action_start()
            # 16 hours from Monday 9:00: Monday 7, Tuesday 8, Wednesday 1
            self.assertEqual(complaint.resolution_deadline, datetime(2026, 3, 11, 9, 0))
        with freeze_time(datetime(2026, 3, 9, 10, 0)):
            complaint.action_wait()
            self.assertEqual(complaint.state, "waiting")
            self.assertFalse(complaint.sla_next_check)
        # waiting from Monday 10:00 to Tuesday 10:00 = 6 + 2 business hours
        with freeze_time(datetime(2026, 3, 10, 10, 0)):
            complaint.action_resume()
        self.assertEqual(complaint.state, "in_progress")
        self.assertEqual(complaint.paused_hours, 8)
        self.assertEqual(complaint.resolution_deadline, datetime(2026, 3, 12, 9, 0))
        self.assertEqual(complaint.response_sla_state, "met")
        self.assertTrue(
            any("moved" in body for body in complaint.message_ids.mapped("body"))
        )
        with freeze_time(datetime(2026, 3, 12, 8, 30)):
            complaint.action_resolve(resolution="Replacement shipped.")
        self.assertEqual(complaint.resolution_sla_state, "met")

    def test_resolve_late_and_reopen_keeps_history(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint()
            complaint.action_start()
        with freeze_time(datetime(2026, 3, 16, 9, 0)):
            complaint.action_resolve()
            self.assertEqual(complaint.state, "resolved")
            self.assertEqual(complaint.resolution_sla_state, "met_late")
            self.assertEqual(complaint.response_sla_state, "met_late")
            complaint.action_close()
            self.assertEqual(complaint.state, "closed")
            complaint.action_reopen()
        self.assertEqual(complaint.state, "in_progress")
        # the late first cycle stays the complaint's result (issue 21: reopening
        # no longer launders it); the new cycle runs in the SLA history
        self.assertEqual(complaint.resolution_sla_state, "met_late")
        cycles = complaint.sla_milestone_ids.filtered(lambda m: m.clock == "resolution")
        self.assertEqual(cycles.mapped("cycle"), [1, 2])
        self.assertEqual(cycles.mapped("state"), ["met_late", "running"])
        self.assertFalse(complaint.resolved_on)
        self.assertEqual(complaint.reopen_count, 1)
        # a fresh window of 16 business hours from the reopening
        self.assertEqual(complaint.resolution_deadline, datetime(2026, 3, 18, 9, 0))
        self.assertTrue(
            any("Met Late" in body for body in complaint.message_ids.mapped("body"))
        )

    def test_responded_on_from_first_message_to_customer(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint().with_user(self.user_vip)
            complaint.message_post(body="Internal remark", subtype_xmlid="mail.mt_note")
            self.assertFalse(complaint.responded_on)
            complaint.message_post(
                body="Thanks, we look into it.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=self.customer.id,
            )
            self.assertFalse(complaint.responded_on)
            complaint.message_post(
                body="We are on it.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=self.customer.ids,
            )
        self.assertEqual(complaint.responded_on, MONDAY_9)
        self.assertEqual(complaint.response_sla_state, "met")
        self.assertEqual(complaint.next_deadline, complaint.resolution_deadline)

    def test_flow_rules(self):
        complaint = self._complaint()
        with self.assertRaises(UserError):
            complaint.action_close()
        with self.assertRaises(UserError):
            complaint.action_resume()
        complaint.action_acknowledge()
        self.assertEqual(complaint.state, "in_progress")
        result = complaint.action_cancel()
        self.assertEqual(result["res_model"], "vip.complaint.cancel")
        self.assertEqual(complaint.state, "in_progress")
        with self.assertRaises(UserError):
            complaint.unlink()
        wizard = (
            self.env["vip.complaint.cancel"]
            .with_context(**result["context"])
            .create({"reason": "Duplicate of another complaint"})
        )
        wizard.action_confirm()
        self.assertEqual(complaint.state, "cancelled")
        self.assertEqual(complaint.cancel_reason, "Duplicate of another complaint")
        self.assertFalse(complaint.sla_next_check)
        fresh = self._complaint()
        fresh.unlink()

    def test_rating_request_on_resolution(self):
        complaint = self._complaint(partner_id=self.contact.id)
        complaint.action_start()
        complaint.action_resolve(resolution="Credit note issued.")
        rating = self.env["rating.rating"].search(
            [("res_model", "=", "vip.complaint"), ("res_id", "=", complaint.id)]
        )
        self.assertEqual(rating.partner_id, self.contact)
        request = complaint.message_ids.filtered(
            lambda m: self.contact in m.partner_ids
        )
        self.assertTrue(request)
        self.assertIn(f"/rate/{rating.access_token}/5", request[0].body)
        complaint.rating_apply(5, token=rating.access_token)
        self.assertEqual(complaint.rating_last_value, 5)


@tagged("post_install", "-at_install", "vip_complaint")
class TestComplaintIntake(VipComplaintCommon):
    def test_phone_formats_find_customer(self):
        for number in (
            "0470 12 34 56",
            "0470/12.34.56",
            "+32 470 12 34 56",
            "0032470123456",
        ):
            complaint = self._complaint(partner_id=False, phone=number)
            self.assertEqual(complaint.phone, "+32470123456", number)
            self.assertEqual(complaint.partner_id, self.customer, number)
            self.assertEqual(complaint.tier_id, self.tier_gold, number)

    def test_phone_invalid_number(self):
        with self.assertRaisesRegex(UserError, "Phone: 12 is not a possible"):
            self._complaint(partner_id=False, phone="12")
        complaint = self._complaint()
        with self.assertRaises(UserError):
            complaint.phone = "abc"
        complaint.phone = "02 555 12 34"
        self.assertEqual(complaint.phone, "+3225551234")

    def test_phone_onchange_in_form(self):
        with Form(self.Complaint.with_user(self.user_vip_2)) as form:
            form.subject = "Broken packaging"
            form.phone = "0470 12 34 56"
            self.assertEqual(form.phone, "+32470123456")
            self.assertEqual(form.partner_id, self.customer)

    @freeze_time(FRIDAY_15)
    def test_email_intake_creates_acknowledged_complaint(self):
        raw = (
            "Return-Path: <lin.mei@golden-lotus.example.com>\r\n"
            "From: Lin Mei <lin.mei@golden-lotus.example.com>\r\n"
            "To: complaints@example.com\r\n"
            "Subject: Wrong colour delivered\r\n"
            "Message-ID: <vip-complaint-test-1@golden-lotus.example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "We ordered red chairs and received blue ones.\r\n"
        )
        thread_id = self.env["mail.thread"].message_process("vip.complaint", raw)
        complaint = self.Complaint.browse(thread_id)
        self.assertEqual(complaint.partner_id, self.contact)
        self.assertEqual(complaint.channel, "email")
        self.assertEqual(complaint.subject, "Wrong colour delivered")
        self.assertEqual(complaint.tier_id, self.tier_gold)
        self.assertEqual(complaint.user_id, self.user_vip)
        self.assertIn("blue ones", complaint.description)
        ack = complaint.message_ids.filtered(lambda m: self.contact in m.partner_ids)
        self.assertEqual(len(ack), 1)
        self.assertIn(complaint.name, ack.body)
        self.assertIn("03/09/2026", ack.body)
        # the automatic receipt is not the answer the customer waits for
        self.assertFalse(complaint.responded_on)
        self.assertEqual(complaint.response_sla_state, "running")

    def test_email_intake_unknown_sender(self):
        raw = (
            "From: stranger@nowhere.example.com\r\n"
            "To: complaints@example.com\r\n"
            "Subject: Who do I talk to?\r\n"
            "Message-ID: <vip-complaint-test-2@nowhere.example.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "Nobody answers the phone.\r\n"
        )
        thread_id = self.env["mail.thread"].message_process("vip.complaint", raw)
        complaint = self.Complaint.browse(thread_id)
        self.assertFalse(complaint.tier_id)
        self.assertEqual(complaint.email_from, "stranger@nowhere.example.com")
        self.assertEqual(complaint.response_hours, 8)
        self.assertFalse(complaint.partner_id)
        self.assertTrue(
            any(complaint.name in body for body in complaint.message_ids.mapped("body"))
        )


@tagged("post_install", "-at_install", "vip_complaint")
class TestComplaintSla(VipComplaintCommon):
    def _run_cron(self):
        return self.Complaint._cron_check_sla()

    def test_at_risk_breach_and_escalation_once_per_level(self):
        policy = self.env["vip.sla.policy"].create(
            {
                "name": "Gold",
                "tier_ids": [Command.set(self.tier_gold.ids)],
                "response_hours": 4,
                "resolution_hours": 16,
                "escalation_user_id": self.escalation_user.id,
            }
        )
        manager_2 = self.user_manager.copy({"login": "vip_manager_2"})
        # the VIP managers of the company, oldest first: the administrator, who
        # is a VIP Care administrator, and the test managers
        managers = (
            self.env.ref("base.user_admin")
            | self.user_manager
            | self.user_admin
            | manager_2
        ).sorted("id")
        with freeze_time(MONDAY_9):
            complaint = self._complaint(user_id=self.user_vip_2.id)
        self.assertEqual(complaint.sla_policy_id, policy)
        # before 75% of the 4 hours nothing happens
        with freeze_time(datetime(2026, 3, 9, 11, 0)):
            self.assertFalse(self._run_cron())
        # 3 business hours later (lunch excluded): at risk
        with freeze_time(datetime(2026, 3, 9, 13, 0)):
            self.assertEqual(self._run_cron(), complaint)
            self._run_cron()
        self.assertEqual(complaint.response_sla_state, "at_risk")
        at_risk = self._activities(
            complaint, "partner_vip_care.mail_activity_type_vip_sla_at_risk"
        )
        self.assertEqual(at_risk.user_id, self.user_vip_2)
        self.assertEqual(len(at_risk), 1)
        self.assertEqual(complaint.sla_next_check, complaint.response_deadline)
        # deadline Monday 14:00 passed: breach, level 1 to the policy's contact
        with freeze_time(datetime(2026, 3, 9, 14, 30)):
            self._run_cron()
            self._run_cron()
        self.assertEqual(complaint.response_sla_state, "breached")
        self.assertEqual(complaint.escalation_level, 1)
        breach_type = "partner_vip_care.mail_activity_type_vip_sla_breach"
        self.assertEqual(
            self._activities(complaint, breach_type).user_id, self.escalation_user
        )
        escalation_notes = complaint.message_ids.filtered(
            lambda m: self.escalation_user.partner_id in m.partner_ids
        )
        self.assertEqual(len(escalation_notes), 1)
        # another full SLA period (4 business hours) after the breach: level 2
        self.assertEqual(complaint.response_escalate_on, datetime(2026, 3, 10, 9, 0))
        with freeze_time(datetime(2026, 3, 10, 8, 59)):
            self.assertFalse(self._run_cron())
        with freeze_time(datetime(2026, 3, 10, 9, 0)):
            self._run_cron()
            self._run_cron()
        self.assertEqual(complaint.escalation_level, 2)
        breach_activities = self._activities(complaint, breach_type)
        self.assertEqual(len(breach_activities), 2)
        self.assertIn(managers[0], breach_activities.user_id)
        self.assertTrue(managers[1:].partner_id <= complaint.message_partner_ids)
        level_2_note = complaint.message_ids.filtered(
            lambda m: manager_2.partner_id in m.partner_ids
        )
        self.assertEqual(len(level_2_note), 1)
        # only the resolution clock is left to watch
        self.assertEqual(complaint.sla_next_check, complaint.resolution_risk_on)
        # its breach is recorded but nobody is notified again for a level
        with freeze_time(datetime(2026, 3, 20, 10, 0)):
            self._run_cron()
            self.assertEqual(complaint.resolution_sla_state, "breached")
            count = len(complaint.message_ids)
            self.assertFalse(self._run_cron())
            self.assertEqual(len(complaint.message_ids), count)
        self.assertEqual(complaint.escalation_level, 2)
        self.assertEqual(len(self._activities(complaint, breach_type)), 2)
        self.assertEqual(
            len(
                complaint.message_ids.filtered(
                    lambda m: manager_2.partner_id in m.partner_ids
                )
            ),
            1,
        )
        self.assertFalse(complaint.sla_next_check)

    def test_escalation_target_fallbacks(self):
        with freeze_time(MONDAY_9):
            by_salesperson = self._complaint()
            self.company.vip_escalation_user_id = self.user_manager
            by_company = self._complaint()
        # past the 14:00 deadline, before another full SLA period (level 2)
        with freeze_time(datetime(2026, 3, 9, 15, 0)):
            self._run_cron()
        breach_type = "partner_vip_care.mail_activity_type_vip_sla_breach"
        self.assertEqual(
            self._activities(by_company, breach_type).user_id, self.user_manager
        )
        self.assertEqual(
            self._activities(by_salesperson, breach_type).user_id, self.user_manager
        )
        self.company.vip_escalation_user_id = False
        with freeze_time(MONDAY_9):
            salesperson = self._complaint()
        # past the 14:00 deadline, before another full SLA period (level 2)
        with freeze_time(datetime(2026, 3, 9, 15, 0)):
            self._run_cron()
        self.assertEqual(
            self._activities(salesperson, breach_type).user_id, self.user_vip
        )

    def test_waiting_pauses_resolution_checks_only(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint()
            complaint.action_acknowledge()
            complaint.action_wait()
        self.assertFalse(complaint.sla_next_check)
        with freeze_time(datetime(2026, 3, 20, 9, 0)):
            self._run_cron()
        self.assertEqual(complaint.resolution_sla_state, "running")
        self.assertEqual(complaint.escalation_level, 0)

    def test_cron_idempotent(self):
        with freeze_time(MONDAY_9):
            complaints = self._complaint() | self._complaint()
        with freeze_time(datetime(2026, 3, 9, 15, 0)):
            self._run_cron()
            states = complaints.mapped("response_sla_state")
            messages = len(complaints.message_ids)
            activities = len(complaints.activity_ids)
            self.assertFalse(self._run_cron())
        self.assertEqual(states, ["breached", "breached"])
        self.assertEqual(complaints.mapped("response_sla_state"), states)
        self.assertEqual(len(complaints.message_ids), messages)
        self.assertEqual(len(complaints.activity_ids), activities)

    def test_cron_through_scheduler(self):
        cron = self.env.ref("partner_vip_care.ir_cron_vip_check_sla")
        self.assertEqual((cron.interval_number, cron.interval_type), (5, "minutes"))
        with freeze_time(MONDAY_9):
            complaint = self._complaint()
        with (
            freeze_time(datetime(2026, 3, 9, 15, 0)),
            self.enter_registry_test_mode(),
        ):
            cron.method_direct_trigger()
        complaint.invalidate_recordset()
        self.assertEqual(complaint.response_sla_state, "breached")

    def test_cron_query_count_ignores_untouched_complaints(self):
        def scenario(untouched):
            with freeze_time(MONDAY_9):
                due = self.Complaint.create(
                    [
                        {
                            "subject": f"Due {i}",
                            "partner_id": self.customer.id,
                            "user_id": self.user_vip_2.id,
                        }
                        for i in range(3)
                    ]
                )
            with freeze_time(datetime(2026, 3, 9, 14, 0)):
                self.Complaint.create(
                    [
                        {"subject": f"Quiet {i}", "partner_id": self.customer.id}
                        for i in range(untouched)
                    ]
                )
            self.env.flush_all()
            self.env.invalidate_all()
            with (
                freeze_time(datetime(2026, 3, 9, 13, 0)),
                patch("random.random", lambda: 1),
            ):
                self.env.cr.flush()
                start = self.cr.sql_log_count
                processed = self._run_cron()
                self.env.flush_all()
                self.env.cr.flush()
                queries = self.cr.sql_log_count - start
            self.assertEqual(processed, due)
            self.assertEqual(set(due.mapped("response_sla_state")), {"at_risk"})
            return queries

        scenario(2)  # warm the caches
        few = scenario(5)
        many = scenario(60)
        self.assertEqual(few, many)
        with freeze_time(MONDAY_9):
            self.Complaint.create(
                [
                    {
                        "subject": f"Due {i}",
                        "partner_id": self.customer.id,
                        "user_id": self.user_vip_2.id,
                    }
                    for i in range(3)
                ]
            )
        self.env.flush_all()
        self.env.invalidate_all()
        with (
            freeze_time(datetime(2026, 3, 9, 13, 0)),
            self.assertQueryCount(few),
        ):
            self._run_cron()
            self.env.flush_all()


@tagged("post_install", "-at_install", "vip_complaint")
class TestComplaintSecurity(VipComplaintCommon):
    def test_user_sees_own_and_customers(self):
        other_customer = self.env["res.partner"].create(
            {"name": "Other customer", "user_id": self.user_vip_2.id}
        )
        mine = self._complaint(user_id=self.user_vip.id, partner_id=other_customer.id)
        my_customer = self._complaint(user_id=self.user_admin.id)
        foreign = self._complaint(
            user_id=self.user_admin.id, partner_id=other_customer.id
        )
        visible = self.Complaint.with_user(self.user_vip).search(
            [("id", "in", (mine | my_customer | foreign).ids)]
        )
        self.assertEqual(visible, mine | my_customer)
        with self.assertRaises(AccessError):
            foreign.with_user(self.user_vip).read(["subject"])
        manager_visible = self.Complaint.with_user(self.user_manager).search(
            [("id", "in", (mine | my_customer | foreign).ids)]
        )
        self.assertEqual(manager_visible, mine | my_customer | foreign)
        with self.assertRaises(AccessError):
            self.Complaint.with_user(self.user_internal).search([])

    def test_user_registers_for_any_customer(self):
        other_customer = self.env["res.partner"].create(
            {"name": "Not my customer", "user_id": self.user_vip_2.id}
        )
        complaint = self.Complaint.with_user(self.user_vip).create(
            {"subject": "Phone call", "partner_id": other_customer.id}
        )
        self.assertEqual(complaint.user_id, self.user_vip)
        complaint.action_acknowledge()
        self.assertTrue(complaint.responded_on)
        with self.assertRaises(AccessError):
            self.env["vip.sla.policy"].with_user(self.user_vip).create(
                {"name": "Mine", "response_hours": 1, "resolution_hours": 2}
            )

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        self.user_manager.company_ids = [Command.link(other_company.id)]
        foreign = self._complaint(company_id=other_company.id)
        Complaint = self.Complaint.with_user(self.user_manager)
        self.assertFalse(
            Complaint.with_context(allowed_company_ids=self.company.ids).search(
                [("id", "=", foreign.id)]
            )
        )
        self.assertEqual(
            Complaint.with_context(
                allowed_company_ids=[self.company.id, other_company.id]
            ).search([("id", "=", foreign.id)]),
            foreign,
        )

    def test_partner_complaint_counter(self):
        other_customer = self.env["res.partner"].create(
            {"name": "Other customer", "user_id": self.user_vip_2.id}
        )
        self._complaint(partner_id=self.contact.id)
        self._complaint(user_id=self.user_admin.id)
        self._complaint(user_id=self.user_admin.id, partner_id=other_customer.id)
        self.assertEqual(self.customer.with_user(self.user_vip).vip_complaint_count, 2)
        self.assertEqual(self.contact.with_user(self.user_vip).vip_complaint_count, 2)
        # complaints of a customer one may not read are not counted
        self.assertEqual(other_customer.with_user(self.user_vip).vip_complaint_count, 0)
        self.assertEqual(
            other_customer.with_user(self.user_manager).vip_complaint_count, 1
        )
        action = self.customer.with_user(self.user_vip).action_vip_open_complaints()
        self.assertEqual(
            self.Complaint.with_user(self.user_vip).search(action["domain"]),
            self.Complaint.search([("commercial_partner_id", "=", self.customer.id)]),
        )
        # people outside VIP Care still open partners
        with Form(self.customer.with_user(self.user_internal)) as form:
            form.name = "Golden Lotus Trading Ltd"
        self.assertEqual(self.customer.name, "Golden Lotus Trading Ltd")


@tagged("post_install", "-at_install", "vip_complaint")
class TestComplaintReport(VipComplaintCommon):
    def test_compliance_by_tier_counts_decided_deadlines_only(self):
        with freeze_time(MONDAY_9):
            on_time = self._complaint()
            late = self._complaint()
            running = self._complaint()
            plain = self._complaint(partner_id=self.customer_plain.id)
            on_time.action_acknowledge()
            on_time.action_resolve()
        with freeze_time(datetime(2026, 3, 16, 9, 0)):
            late.action_resolve()
        on_time.rating_apply(5, token=on_time._rating_get_access_token())
        self.env.flush_all()
        Report = self.env["vip.complaint.report"].with_user(self.user_manager)
        rows = Report._read_group(
            [("complaint_id", "in", (on_time | late | running | plain).ids)],
            ["tier_id"],
            [
                "__count",
                "response_compliance:avg",
                "resolution_compliance:avg",
                "rating:avg",
            ],
        )
        figures = {tier: values for tier, *values in rows}
        # the running complaint counts as a complaint, not as a missed deadline
        self.assertEqual(figures[self.tier_gold], [3, 50.0, 50.0, 5.0])
        self.assertEqual(figures[self.env["vip.tier"]][0], 1)
        self.assertFalse(figures[self.env["vip.tier"]][1])
