"""The SLA clock at a moment T: late runs, repeated runs, customer replies and
automatic mails, VIP first."""

from datetime import datetime, timedelta
from email.header import Header
from email.mime.text import MIMEText
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import VipComplaintCommon

MONDAY_9 = datetime(2026, 3, 9, 9, 0)
BREACH = "partner_vip_care.mail_activity_type_vip_sla_breach"
AT_RISK = "partner_vip_care.mail_activity_type_vip_sla_at_risk"


def raw_mail(charset, sender, subject, body, **headers):
    """An incoming mail as a mail client in China or Taiwan writes it."""
    message = MIMEText(body, "plain", charset)
    message["Subject"] = Header(subject, charset)
    message["From"] = sender
    message["To"] = "complaints@example.com"
    message["Message-ID"] = headers.pop(
        "message_id", f"<{abs(hash((sender, subject, body)))}@example.com>"
    )
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message.as_string()


@tagged("post_install", "-at_install", "vip_complaint", "vip_sla")
class TestSlaClock(VipComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env["vip.sla.policy"].create(
            {
                "name": "Gold",
                "tier_ids": [Command.set(cls.tier_gold.ids)],
                "response_hours": 4,
                "resolution_hours": 16,
                "escalation_user_id": cls.escalation_user.id,
            }
        )

    def _run(self, moment):
        with freeze_time(moment):
            return self.Complaint._cron_check_sla()

    def _state(self, complaint):
        activities = complaint.activity_ids
        return (
            complaint.response_sla_state,
            complaint.resolution_sla_state,
            complaint.escalation_level,
            sorted((a.activity_type_id.id, a.user_id.id) for a in activities),
        )

    def test_late_run_applies_every_level_due_with_one_note(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint(user_id=self.user_vip_2.id)
        notes_before = len(complaint.message_ids)
        mails_before = self.env["mail.mail"].search_count([])
        # nobody ran the job for 20 days
        self.assertEqual(self._run(MONDAY_9 + timedelta(days=20)), complaint)
        self.assertEqual(complaint.response_sla_state, "breached")
        self.assertEqual(complaint.resolution_sla_state, "breached")
        self.assertEqual(complaint.escalation_level, 2)
        notes = complaint.message_ids[: len(complaint.message_ids) - notes_before]
        sla_notes = notes.filtered(lambda m: "escalated" in (m.body or ""))
        self.assertEqual(len(sla_notes), 1, "one note lists all that happened")
        self.assertIn(self.escalation_user.name, sla_notes.body)
        self.assertIn("VIP managers", sla_notes.body)
        self.assertIn(self.escalation_user.partner_id, sla_notes.partner_ids)
        self.assertIn(self.user_manager.partner_id, sla_notes.partner_ids)
        breach = complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(BREACH)
        )
        self.assertIn(self.escalation_user, breach.user_id)
        self.assertEqual(len(breach), 2, "level 1 contact and first VIP manager")
        # one grouped mail per person notified
        mails = self.env["mail.mail"].search([], order="id desc")
        new_mails = mails[: len(mails) - mails_before]
        recipients = new_mails.recipient_ids
        self.assertIn(self.escalation_user.partner_id, recipients)
        self.assertEqual(len(new_mails), len(recipients))

    def test_second_run_at_the_same_moment_notifies_nothing(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint()
        moment = MONDAY_9 + timedelta(days=20)
        self._run(moment)
        state = self._state(complaint)
        messages = len(complaint.message_ids)
        mails = self.env["mail.mail"].search_count([])
        self.assertFalse(self._run(moment))
        self.assertEqual(self._state(complaint), state)
        self.assertEqual(len(complaint.message_ids), messages)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)

    def test_run_takes_every_due_complaint_batch_after_batch(self):
        with freeze_time(MONDAY_9):
            complaints = self.Complaint.concat(*(self._complaint() for _i in range(5)))
        moment = MONDAY_9 + timedelta(days=20)
        with freeze_time(moment):
            done = self.Complaint._cron_check_sla(batch_size=2)
        self.assertEqual(set(done.ids), set(complaints.ids))
        self.assertEqual(set(complaints.mapped("escalation_level")), {2})
        self.assertFalse(self.Complaint.search([("sla_next_check", "<=", moment)]))

    def test_run_stops_on_a_complaint_still_due_after_handling(self):
        """A complaint the clock could not move would come back in every batch:
        the run stops and says so instead of looping."""
        with freeze_time(MONDAY_9):
            complaints = self.Complaint.concat(*(self._complaint() for _i in range(3)))
        moment = MONDAY_9 + timedelta(days=20)
        Complaint = self.registry["vip.complaint"]
        with (
            patch.object(Complaint, "_vip_check_sla", lambda self, now=None: None),
            freeze_time(moment),
            self.assertLogs("odoo.addons.partner_vip_care", "WARNING") as logs,
        ):
            done = self.Complaint._cron_check_sla(batch_size=2)
        self.assertEqual(len(done), 2)
        self.assertIn("still due after handling", logs.output[0])
        self.assertEqual(complaints.mapped("escalation_level"), [0, 0, 0])

    def test_result_depends_on_the_moment_not_on_how_often_it_ran(self):
        with freeze_time(MONDAY_9):
            often, once = self._complaint(), self._complaint()
        end = datetime(2026, 3, 12, 10, 0)
        moment = MONDAY_9
        while moment <= end:  # every hour for three days
            with freeze_time(moment):
                often._vip_check_sla(moment)
            moment += timedelta(hours=1)
        with freeze_time(end):
            once._vip_check_sla(end)
        self.assertEqual(self._state(often)[:3], self._state(once)[:3])
        self.assertEqual(
            [t for t, _u in self._state(often)[3]],
            [t for t, _u in self._state(once)[3]],
        )

    def test_breach_and_risk_in_the_same_run_keep_both_notes(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint(user_id=self.user_vip_2.id)
        # response deadline Monday 14:00 passed; resolution 75% of 16 h not yet,
        # so move the resolution risk moment before the run
        complaint.sudo().write({"resolution_risk_on": datetime(2026, 3, 9, 14, 0)})
        self._run(datetime(2026, 3, 9, 15, 0))
        self.assertEqual(complaint.response_sla_state, "breached")
        self.assertEqual(complaint.resolution_sla_state, "at_risk")
        note = complaint.message_ids.filtered(lambda m: "at risk" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("breached its", note.body)

    def test_vip_first_then_nearest_deadline(self):
        with freeze_time(MONDAY_9):
            plain = self._complaint(partner_id=self.customer_plain.id)
        with freeze_time(MONDAY_9 + timedelta(hours=1)):
            gold = self._complaint()
        self.assertGreater(gold.priority, plain.priority)
        queue = self.Complaint.search([("id", "in", (plain | gold).ids)])
        self.assertEqual(queue.ids, [gold.id, plain.id])


@tagged("post_install", "-at_install", "vip_complaint", "vip_sla")
class TestCustomerReplies(VipComplaintCommon):
    def _reply(self, complaint, charset, body, **headers):
        last = complaint.message_post(
            body="Could you send us a photo?",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.contact.ids,
        )
        raw = raw_mail(
            charset,
            "Lin Mei <lin.mei@golden-lotus.example.com>",
            f"Re: {complaint.name}",
            body,
            In_Reply_To=last.message_id,
            References=last.message_id,
            **headers,
        )
        return self.env["mail.thread"].message_process("vip.complaint", raw)

    def test_gb2312_mail_opens_a_complaint_with_its_chinese_subject(self):
        raw = raw_mail(
            "gb2312",
            "Lin Mei <lin.mei@golden-lotus.example.com>",
            "颜色发错了",
            "我们订购的红色椅子收到的却是蓝色的。",
        )
        complaint = self.Complaint.browse(
            self.env["mail.thread"].message_process("vip.complaint", raw)
        )
        self.assertEqual(complaint.subject, "颜色发错了")
        self.assertIn("蓝色", complaint.description)
        self.assertEqual(complaint.partner_id, self.contact)
        acks = complaint.message_ids.filtered(
            lambda m: m.message_type == "auto_comment"
        )
        self.assertEqual(len(acks), 1)

    def test_reply_resumes_a_waiting_complaint(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint(partner_id=self.contact.id)
            complaint.action_acknowledge()
            complaint.action_wait()
        deadline = complaint.resolution_deadline
        with freeze_time(datetime(2026, 3, 10, 9, 0)):  # 8 business hours later
            self._reply(complaint, "gb2312", "附件是照片，请查收。")
        self.assertEqual(complaint.state, "in_progress")
        self.assertEqual(complaint.paused_hours, 8)
        self.assertEqual(complaint.resolution_deadline, deadline + timedelta(days=1))

    def test_reply_reopens_a_recently_resolved_complaint(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint(partner_id=self.contact.id)
            complaint.action_start()
            complaint.action_resolve(resolution="<p>Replaced</p>")
        with freeze_time(MONDAY_9 + timedelta(days=3)):
            self._reply(complaint, "big5", "問題還在，椅子還是藍色的。")
        self.assertEqual(complaint.state, "in_progress")
        self.assertEqual(complaint.reopen_count, 1)

    def test_reply_to_a_closed_complaint_opens_a_follow_up(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint(partner_id=self.contact.id)
            complaint.action_start()
            complaint.action_resolve(resolution="<p>Replaced</p>")
            complaint.action_close()
        with freeze_time(MONDAY_9 + timedelta(days=30)):
            self._reply(complaint, "big5", "又壞了。")
        self.assertEqual(complaint.state, "closed")
        followup = complaint.followup_ids
        self.assertEqual(len(followup), 1)
        self.assertEqual(followup.parent_id, complaint)
        self.assertEqual(followup.channel, "email")
        self.assertIn("又壞了", followup.description)
        self.assertEqual(followup.response_sla_state, "running")

    def test_auto_replies_open_nothing_and_get_no_acknowledgement(self):
        count = self.Complaint.search_count([])
        mails = self.env["mail.mail"].search_count([])
        out_of_office = raw_mail(
            "big5",
            "Lin Mei <lin.mei@golden-lotus.example.com>",
            "自動回覆：休假中",
            "我正在休假，將於下週一回覆。",
            Auto_Submitted="auto-replied",
        )
        self.env["mail.thread"].message_process("vip.complaint", out_of_office)
        for header in ({"Precedence": "bulk"}, {"X_Autoreply": "yes"}):
            raw = raw_mail(
                "gb2312", "news@example.com", "每周简报", "本周新品。", **header
            )
            self.env["mail.thread"].message_process("vip.complaint", raw)
        daemon = raw_mail(
            "utf-8", "MAILER-DAEMON@example.com", "Undelivered Mail", "failed"
        )
        self.env["mail.thread"].message_process("vip.complaint", daemon)
        self.assertEqual(self.Complaint.search_count([]), count)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)

    def test_auto_reply_to_a_waiting_complaint_keeps_it_waiting(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint(partner_id=self.contact.id)
            complaint.action_acknowledge()
            complaint.action_wait()
        self._reply(complaint, "big5", "我正在休假。", Auto_Submitted="auto-replied")
        self.assertEqual(complaint.state, "waiting")
