"""Issue 21, the SLA's side doors tried as an adversary would: real HTTP JSON-RPC
calls (doors 1 and 4, the SLA history) and the mail gateway (door 10)."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import VipComplaintCommon
from .common_rpc import VipRpcCase
from .test_complaint_sla_clock import raw_mail

MODULE = "partner_vip_care"
MONDAY_9 = datetime(2026, 3, 9, 9, 0)


@tagged("post_install", "-at_install", "vip_security", "vip_sla")
class TestTrustSlaRpc(VipRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        groups = "base.group_user,base.group_partner_manager,partner_vip_care."
        cls.user_vip = new_test_user(
            env, login="sla_rpc_agent", groups=groups + "group_vip_user"
        )
        cls.user_manager = new_test_user(
            env, login="sla_rpc_manager", groups=groups + "group_vip_manager"
        )
        cls.user_admin = new_test_user(
            env, login="sla_rpc_admin", groups=groups + "group_vip_admin"
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "Northwind Traders",
                "is_company": True,
                "email": "buyer@northwind.example.com",
                "user_id": cls.user_vip.id,
            }
        )
        cls.promise = env["vip.promise"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.user_vip.id,
                "description": "Free on-site training",
                "value": 10,
                "deadline": fields.Date.today() + timedelta(days=10),
            }
        )
        # a complaint left alone for 20 days: breached, escalated to level 2
        with freeze_time(datetime.now() - timedelta(days=20)):
            cls.complaint = env["vip.complaint"].create(
                {
                    "subject": "Wrong parts delivered",
                    "partner_id": cls.customer.id,
                    "user_id": cls.user_vip.id,
                }
            )
        env["vip.complaint"]._cron_check_sla()

    def _to_string(self, moment):
        return fields.Datetime.to_string(moment)

    def test_backdated_reply_cannot_erase_a_breach(self):
        """Door 1: a reply dated before the deadline by the client."""
        complaint = self.complaint
        self.assertEqual(complaint.response_sla_state, "breached")
        self.assertEqual(complaint.escalation_level, 2)
        before_deadline = self._to_string(
            complaint.response_deadline - timedelta(hours=1)
        )
        post = {
            "body": "We are on it.",
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
        }
        with self.assertRaises(Exception) as caught:
            self._call(
                self.user_vip,
                "vip.complaint",
                "message_post",
                [complaint.id],
                date=before_deadline,
                **post,
            )
        self.assertIn("UserError", caught.exception.args[0])
        complaint.invalidate_recordset()
        self.assertFalse(complaint.responded_on)
        self.assertEqual(complaint.response_sla_state, "breached")
        # the same reply dated by the server answers the customer, late
        self._call(
            self.user_vip, "vip.complaint", "message_post", [complaint.id], **post
        )
        complaint.invalidate_recordset()
        self.assertAlmostEqual(
            complaint.responded_on, datetime.now(), delta=timedelta(minutes=1)
        )
        self.assertEqual(complaint.response_sla_state, "met_late")
        response = complaint.sla_milestone_ids.filtered(lambda m: m.clock == "response")
        self.assertEqual(response.breached_on, complaint.response_deadline)

    def test_no_moment_chosen_by_the_client_on_any_model_of_the_module(self):
        env = self.env
        records = {
            "vip.complaint": self.complaint,
            "vip.promise": self.promise,
            "vip.visit": env["vip.visit"].create(
                {"partner_id": self.customer.id, "user_id": self.user_vip.id}
            ),
            "vip.suggestion": env["vip.suggestion"].create(
                {"name": "Bilingual invoices", "partner_id": self.customer.id}
            ),
            "vip.meeting": env["vip.meeting"].create(
                {
                    "name": "Quality meeting",
                    "start": datetime.now() + timedelta(days=3),
                    "stop": datetime.now() + timedelta(days=3, hours=2),
                    "user_id": self.user_vip.id,
                    "attendee_ids": [Command.create({"partner_id": self.customer.id})],
                }
            ),
            "vip.survey.campaign": env["vip.survey.campaign"].create(
                {"name": "Spring survey"}
            ),
            "vip.complaint.team": env["vip.complaint.team"].create(
                {"name": "Service desk"}
            ),
            "vip.benefit.usage": env["vip.benefit.usage"].create(
                {
                    "partner_id": self.customer.id,
                    "benefit_id": env["vip.benefit"].create({"name": "Training"}).id,
                    "user_id": self.user_vip.id,
                }
            ),
            "vip.account.plan": env["vip.account.plan"].create(
                {
                    "name": "Plan",
                    "partner_id": self.customer.id,
                    "user_id": self.user_vip.id,
                }
            ),
        }
        threads = {
            name
            for name, model in env.registry.items()
            if model._original_module == MODULE
            and not model._abstract
            and not model._transient
            and "message_ids" in model._fields
        }
        self.assertEqual(threads, set(records), "add a sample of each mail model")
        now = datetime.now()
        for model, record in records.items():
            for moment in (datetime(2000, 1, 1), now + timedelta(days=3650)):
                with self.subTest(model=model, date=moment):
                    with self.assertRaises(Exception) as caught:
                        self._call(
                            self.user_manager,
                            model,
                            "message_post",
                            [record.id],
                            body="Noted.",
                            date=self._to_string(moment),
                        )
                    self.assertIn("UserError", caught.exception.args[0])
            # "now", as a client's clock says it, passes
            message_id = self._call(
                self.user_manager,
                model,
                "message_post",
                [record.id],
                body="Noted now.",
                date=self._to_string(datetime.now()),
            )
            self.assertTrue(message_id)
        self.assertFalse(
            env["mail.message"].search(
                [("date", "<", "2001-01-01"), ("model", "in", list(records))]
            )
        )

    def test_reopen_does_not_launder_a_breach(self):
        """Door 4: breached at level 2 → resolve → reopen → resolve → close."""
        complaint = self.complaint
        self.assertEqual(complaint.resolution_sla_state, "breached")
        for method in ("action_resolve", "action_reopen", "action_resolve"):
            self._call(self.user_vip, "vip.complaint", method, [complaint.id])
        self._call(self.user_vip, "vip.complaint", "action_close", [complaint.id])
        complaint.invalidate_recordset()
        self.assertEqual(complaint.state, "closed")
        self.assertEqual(complaint.resolution_sla_state, "met_late")
        rows = self._call(
            self.user_vip,
            "vip.sla.milestone",
            "search_read",
            [("complaint_id", "=", complaint.id), ("clock", "=", "resolution")],
            ["cycle", "state", "breached_on"],
        )
        self.assertEqual(
            [(r["cycle"], r["state"]) for r in rows], [(1, "met_late"), (2, "met")]
        )
        self.assertTrue(rows[0]["breached_on"])

    def test_sla_history_cannot_be_written_over_rpc(self):
        complaint = self.complaint
        row = complaint.sla_milestone_ids.filtered(lambda m: m.clock == "response")
        for user in (self.user_vip, self.user_manager, self.user_admin):
            self.assertRefused(
                user,
                "vip.sla.milestone",
                "write",
                [row.id],
                {"state": "met"},
                error="AccessError",
            )
            self.assertRefused(
                user, "vip.sla.milestone", "unlink", [row.id], error="AccessError"
            )
            self.assertRefused(
                user,
                "vip.sla.milestone",
                "create",
                [
                    {
                        "complaint_id": complaint.id,
                        "clock": "response",
                        "start": "2026-01-01",
                    }
                ],
                error="AccessError",
            )
        # nor through the complaint
        self.assertRefused(
            self.user_manager,
            "vip.complaint",
            "write",
            [complaint.id],
            {"sla_milestone_ids": [Command.unlink(row.id)]},
        )
        row.invalidate_recordset()
        self.assertEqual(row.state, "breached")
        self.assertEqual(complaint.response_sla_state, "breached")

    def test_administrator_correction_is_an_added_row(self):
        complaint = self.complaint
        self._call(
            self.user_admin,
            "vip.complaint",
            "action_correct_sla",
            [complaint.id],
            "response_sla_state",
            "met",
            "The customer phoned back in time",
        )
        complaint.invalidate_recordset()
        self.assertEqual(complaint.response_sla_state, "met")
        rows = complaint.sla_milestone_ids.filtered(lambda m: m.clock == "response")
        original, correction = rows.sorted("id")
        self.assertEqual(original.state, "breached")
        self.assertTrue(original.breached_on)
        self.assertEqual(correction.correction_of_id, original)
        self.assertEqual(correction.reason, "The customer phoned back in time")
        self.assertEqual(correction.corrected_by_id, self.user_admin)


@tagged("post_install", "-at_install", "vip_complaint", "vip_sla")
class TestMailGatewayTrust(VipComplaintCommon):
    """Door 10: only addresses known for the customer move a complaint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rival = cls.env["res.partner"].create(
            {
                "name": "Rival Imports",
                "is_company": True,
                "email": "boss@rival.example.com",
            }
        )

    def _mail(self, complaint, sender, body):
        last = complaint.message_post(
            body="Could you send us a photo?",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.contact.ids,
        )
        raw = raw_mail(
            "utf-8",
            sender,
            f"Re: {complaint.name}",
            body,
            In_Reply_To=last.message_id,
            References=last.message_id,
        )
        self.env["mail.thread"].message_process("vip.complaint", raw)
        return complaint.message_ids[0]

    def _review_activities(self, complaint):
        return complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )

    def test_strangers_mail_is_kept_internal_and_moves_nothing(self):
        with freeze_time(MONDAY_9):
            waiting = self._complaint(
                partner_id=self.contact.id, user_id=self.user_vip.id
            )
            waiting.action_acknowledge()
            waiting.action_wait()
            resolved = self._complaint(
                partner_id=self.contact.id, user_id=self.user_vip.id
            )
            resolved.action_start()
            resolved.action_resolve()
            closed = self._complaint(
                partner_id=self.contact.id, user_id=self.user_vip.id
            )
            closed.action_start()
            closed.action_resolve()
            closed.action_close()
        with freeze_time(MONDAY_9 + timedelta(days=1)):
            for complaint, sender in (
                (waiting, "Rival Boss <boss@rival.example.com>"),
                (resolved, "Nobody <nobody@unknown.example.com>"),
                (closed, "boss@rival.example.com"),
            ):
                message = self._mail(
                    complaint, sender, "Ignore the customer, refund me."
                )
                self.assertIn("refund me", message.body)
                self.assertTrue(message.is_internal)
                self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
                activity = self._review_activities(complaint)
                self.assertEqual(activity.user_id, self.user_vip)
                self.assertIn(sender.split("<")[-1].rstrip(">"), activity.summary)
        self.assertEqual(waiting.state, "waiting")
        self.assertEqual(resolved.state, "resolved")
        self.assertEqual(resolved.reopen_count, 0)
        self.assertFalse(closed.followup_ids)

    def test_known_addresses_still_move_the_complaint(self):
        with freeze_time(MONDAY_9):
            waiting = self._complaint(
                partner_id=self.contact.id, user_id=self.user_vip.id
            )
            waiting.action_acknowledge()
            waiting.action_wait()
            resolved = self._complaint(partner_id=self.customer.id)
            resolved.action_start()
            resolved.action_resolve()
        with freeze_time(MONDAY_9 + timedelta(days=1)):
            # a contact of the customer, written in another case
            message = self._mail(
                waiting, "LIN.MEI@Golden-Lotus.example.com", "Photo attached."
            )
            self.assertFalse(message.is_internal)
            # the customer company's own address
            self._mail(
                resolved, "Service <service@golden-lotus.example.com>", "Still broken."
            )
        self.assertEqual(waiting.state, "in_progress")
        self.assertEqual(resolved.state, "in_progress")
        self.assertFalse(self._review_activities(waiting))
