"""What the crons and actions write for a person is in that person's language:
visit reminders, promise reminders and approvals, SLA activities and mails,
tier notes on the customer."""

from datetime import datetime, timedelta
from pathlib import Path

import polib
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import format_date

from ..tools.moments import format_moment
from .common import VipComplaintCommon

I18N = Path(__file__).resolve().parent.parent / "i18n"
MONDAY_9 = datetime(2026, 3, 9, 9, 0)


@tagged("post_install", "-at_install", "vip_i18n")
class TestLanguages(VipComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        langs = ["zh_CN", "zh_TW"]
        for lang in langs:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["partner_vip_care"], langs, overwrite=True
        )
        cls.terms = {
            lang: {e.msgid: e.msgstr for e in polib.pofile(I18N / f"{lang}.po")}
            for lang in langs
        }
        # a zh_CN salesperson, a zh_TW VIP manager, an English company
        cls.user_vip.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        cls.user_manager.lang = "zh_TW"
        cls.company.vip_escalation_user_id = cls.user_manager
        cls.company.partner_id.lang = "en_US"

    def _activities(self, records, xmlid):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("activity_type_id", "=", self.env.ref(xmlid).id),
                ]
            )
        )

    def _zh(self, lang, msgid, **params):
        translated = self.terms[lang][msgid]
        self.assertTrue(translated, f"{msgid!r} has a {lang} translation")
        return translated % params if params else translated

    def test_visit_reminder_in_the_salesperson_language(self):
        with freeze_time("2030-01-10"):
            self.env["vip.visit"]._vip_plan_visits()
        activity = self._activities(
            self.customer, "partner_vip_care.mail_activity_type_vip_visit"
        )
        self.assertEqual(activity.user_id, self.user_vip)
        self.assertEqual(
            activity.summary, self._zh("zh_CN", "Account manager visit due")
        )

    def test_promise_activities_in_the_assignee_language(self):
        today = datetime(2026, 3, 10).date()
        Promise = self.env["vip.promise"].with_user(self.user_vip)
        with freeze_time(today):
            values = {
                "partner_id": self.customer.id,
                "promise_type": "delivery",
                "description": "Express delivery at our cost",
                "deadline": today + timedelta(days=1),
            }
            promise = Promise.create(dict(values, value=100.0))
            big = Promise.create(dict(values, value=90000.0))
            (promise | big).action_submit()
            self.env["vip.promise"]._cron_promise_reminders()
        reminder = self._activities(
            promise, "partner_vip_care.mail_activity_type_promise_reminder"
        )
        self.assertEqual(
            reminder.summary,
            self._zh(
                "zh_CN",
                "Keep your promise to %(customer)s by %(deadline)s",
                customer=self.customer.display_name,
                deadline=format_date(self.env, promise.deadline, lang_code="zh_CN"),
            ),
        )
        approval = big.activity_ids.filtered(lambda a: a.user_id == self.user_manager)
        self.assertEqual(len(approval), 1)
        self.assertEqual(
            approval.summary,
            self._zh(
                "zh_TW",
                "Approve promise of %(value)s to %(customer)s",
                value=big.currency_id.format(big.value),
                customer=self.customer.display_name,
            ),
        )
        with freeze_time(today + timedelta(days=3)):
            self.env["vip.promise"]._cron_promise_reminders()
        overdue = self._activities(
            promise, "partner_vip_care.mail_activity_type_promise_overdue"
        )
        summaries = {a.user_id: a.summary for a in overdue}
        msgid = "Overdue promise to %(customer)s (deadline %(deadline)s)"
        for user, lang in ((self.user_vip, "zh_CN"), (self.user_manager, "zh_TW")):
            params = {
                "customer": self.customer.display_name,
                # the deadline in the date format of the assignee's language
                "deadline": format_date(self.env, promise.deadline, lang_code=lang),
            }
            self.assertEqual(summaries[user], self._zh(lang, msgid, **params))

    def test_sla_activities_in_the_assignee_language_notes_in_the_responsible(self):
        with freeze_time(MONDAY_9):
            complaint = self.Complaint.create(
                {
                    "subject": "Late delivery",
                    "partner_id": self.customer.id,
                    "user_id": self.user_vip.id,
                }
            )
        mails_before = self.env["mail.mail"].search([])
        # the run on time at the at-risk moment warns the salesperson
        with freeze_time(complaint.response_risk_on + timedelta(minutes=1)):
            self.Complaint._cron_check_sla()
        at_risk = self._activities(
            complaint, "partner_vip_care.mail_activity_type_vip_sla_at_risk"
        )
        self.assertTrue(at_risk)
        at_risk_zh = self._zh("zh_CN", "The %(kind)s deadline %(deadline)s is at risk.")
        prefix = at_risk_zh.split("%(kind)s")[0]
        for activity in at_risk:
            self.assertEqual(activity.user_id, self.user_vip)
            self.assertTrue(activity.summary.startswith(prefix), activity.summary)
        # the deadline in the salesperson's language and time zone
        env_zh = self.env(context=dict(self.env.context, lang="zh_CN"))
        expected = at_risk_zh % {
            "kind": self._zh("zh_CN", "response"),
            "deadline": format_moment(
                env_zh, complaint.response_deadline, tz="Asia/Shanghai"
            ),
        }
        self.assertIn(expected, at_risk.mapped("summary"))
        # nobody acts for 20 days: breached twice; the warning is over
        with freeze_time(MONDAY_9 + timedelta(days=20)):
            self.Complaint._cron_check_sla()
        self.assertEqual(complaint.escalation_level, 2)
        self.assertFalse(at_risk.exists(), "the breach replaces the warning")
        breach = self._activities(
            complaint, "partner_vip_care.mail_activity_type_vip_sla_breach"
        )
        summaries = {a.user_id: a.summary for a in breach}
        self.assertEqual(
            summaries[self.user_manager],
            self._zh("zh_TW", "SLA breach: %s") % complaint.name,
        )
        # the note on the complaint is written for its reader, the responsible
        # (zh_CN, Asia/Shanghai), not for the English company nor the cron
        managers_line = self._zh(
            "zh_CN",
            "%(name)s is still breached one full SLA period after its deadline: "
            "escalated to the VIP managers %(managers)s.",
        ).split("%(managers)s")[0] % {"name": complaint.name}
        note = complaint.message_ids.filtered(lambda m: managers_line in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertNotIn("VIP managers", note.body)
        at_risk_note = complaint.message_ids.filtered(
            lambda m: expected in (m.body or "")
        )
        self.assertEqual(len(at_risk_note), 1, "the warning note, in zh_CN")
        # the mail to the VIP manager is in Traditional Chinese, lines included
        mail = (self.env["mail.mail"].search([]) - mails_before).filtered(
            lambda m: self.user_manager.partner_id in m.recipient_ids
        )
        self.assertIn(
            self._zh("zh_TW", "These complaints need you now:"), mail.body_html
        )
        self.assertNotIn("VIP managers", mail.body_html)

    def test_tier_note_in_the_customer_language(self):
        self.customer.lang = "zh_TW"
        customers = self.customer | self.customer_plain
        old = {p.id: self.tier_silver for p in customers}
        customers._vip_log_tier_notes(old, self.tier_gold, "upgrade", {})
        note_tw = self.customer.message_ids[0].body
        self.assertIn(self.tier_gold.with_context(lang="zh_TW").name, note_tw)
        self.assertNotIn("VIP tier", note_tw)
        self.assertIn("VIP tier", self.customer_plain.message_ids[0].body)
