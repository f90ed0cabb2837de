"""The reader's language: a run of the main flows (complaint intake to reopening
with a late SLA run, promises with approval and reminders, the visit plan, tier
notes, a survey invitation, a holiday import) for a zh_CN and a zh_TW team,
driven by someone reading Simplified Chinese, then every note, activity and mail
written for those readers is scanned: no English word the module writes, and no
Simplified character in what a zh_TW reader gets."""

import re
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import VipComplaintCommon
from .test_reader_clock import LANGS, RECEIVED, setup_readers

# words of the module's English texts (notes, activities, mails)
ENGLISH = re.compile(
    r"\b(Dear|complaints?|deadlines?|acknowledged|breach(?:ed)?|escalated|risk|"
    r"Waited|Reopened|resolution|response|promises?|Approved|Kept|visits?|due|"
    r"survey|opinion|Make-up|swapped|tier|revenue|customers?|managers?|regards|"
    r"Thank|answer|Cancelled|stage|Win back|Merged|planned|respondents?)\b",
    re.IGNORECASE,
)
# characters written only in Simplified Chinese (Traditional: 應時過處戶這為務…)
SIMPLIFIED = set("应时过处户这为务发们开关问题诉认预计达际还单违级规")
CORE_MAIL = re.compile(r"has just assigned you|You have been assigned")
URLS = re.compile(r"\S+@\S+|https?://\S+|/\S+")
# what the people type, in each team's script
TYPED = {
    "zh_CN": (
        "包装破损",
        "重复登记",
        "已更换",
        "重复",
        "免费加急配送",
        "同意",
        "已送达",
    ),
    "zh_TW": (
        "包裝破損",
        "重複登記",
        "已更換",
        "重複",
        "免費加急配送",
        "同意",
        "已送達",
    ),
}


@tagged("post_install", "-at_install", "vip_i18n")
class TestReaderLanguage(VipComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_readers(cls)
        # the VIP manager who approves and hears of breaches reads Traditional;
        # people have Chinese names (an English name is not an English text)
        cls.user_manager.write({"lang": "zh_TW", "tz": "Asia/Taipei", "name": "陳靜"})
        cls.user_admin.name = "趙磊"
        cls.env.ref("base.user_admin").name = "管理員"
        cls.company.vip_escalation_user_id = cls.user_manager
        # whoever drives the flows reads Simplified: nothing written for the
        # zh_TW readers may follow them
        cls.env.user.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})
        cls.acting_env = cls.env(
            context=dict(cls.env.context, lang="zh_CN", tz="Asia/Shanghai")
        )

    def _texts(self, lang):
        """Every text written for the ``lang`` readers: the notes and messages
        on their complaints, promises and customer, the activities assigned to
        them (and to the zh_TW manager), the mails sent to them."""
        user, _tz, partner = self.readers[lang]
        people = user | (self.user_manager if lang == "zh_TW" else user)
        env = self.env(context=dict(self.env.context, lang=lang))
        texts = []
        records = [
            self.env["vip.complaint"].search([("user_id", "=", user.id)]),
            self.env["vip.promise"].search([("user_id", "=", user.id)]),
            partner,
        ]
        for record in records:
            # Odoo's own notifications to a user (an assignment) speak Odoo's
            # catalogues, not the module's
            messages = self.env["mail.message"].search(
                [
                    ("model", "=", record._name),
                    ("res_id", "in", record.ids),
                    ("message_type", "!=", "user_notification"),
                ]
            )
            texts += [html2plaintext(m.body or "") for m in messages]
            texts += [m.subject or "" for m in messages]
            # status changes, as the reader sees them
            for values in messages.tracking_value_ids.with_env(
                env
            )._tracking_value_format():
                texts += [str(values["newValue"] or ""), str(values["oldValue"] or "")]
        activities = self.env["mail.activity"].search([("user_id", "in", people.ids)])
        texts += [a.summary or "" for a in activities]
        texts += [html2plaintext(a.note or "") for a in activities]
        mails = self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", (partner | people.partner_id).ids),
                ("model", "=", False),
            ]
        )
        # Odoo's own notifications (an assignment) speak Odoo's catalogues
        mails = mails.filtered(lambda m: not CORE_MAIL.search(m.body_html or ""))
        texts += [m.subject or "" for m in mails]
        texts += [html2plaintext(m.body_html or "") for m in mails]
        return [URLS.sub(" ", text) for text in texts if text]

    def _run_flows(self, lang):
        user, _tz, partner = self.readers[lang]
        subject, duplicate, done, why, promised, ok, delivered = TYPED[lang]
        env = self.acting_env
        Complaint = env["vip.complaint"]
        with freeze_time(RECEIVED):
            complaint = Complaint.create(
                {
                    "subject": subject,
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "email_from": partner.email,
                }
            )
            other = Complaint.create(
                {"subject": duplicate, "partner_id": partner.id, "user_id": user.id}
            )
        complaint._send_acknowledgement()
        with freeze_time(complaint.response_risk_on + timedelta(minutes=1)):
            Complaint._cron_check_sla()
        with freeze_time(RECEIVED + timedelta(days=1)):
            complaint.action_acknowledge()
            complaint.action_wait()
        with freeze_time(RECEIVED + timedelta(days=2)):
            complaint.action_resume()
        # a late run: at risk, breached and escalated twice at once
        with freeze_time(RECEIVED + timedelta(days=20)):
            Complaint._cron_check_sla()
            complaint.resolution = f"<p>{done}</p>"
            complaint.action_resolve_with_message()
            complaint.action_reopen()
            other.action_cancel(reason=why)
        # promises: one above the bottom line goes to the manager
        Promise = env["vip.promise"].with_user(user)
        today = date(2026, 3, 10)
        with freeze_time(today):
            values = {
                "partner_id": partner.id,
                "promise_type": "delivery",
                "description": promised,
                "deadline": today + timedelta(days=1),
            }
            small = Promise.create(dict(values, value=100.0))
            big = Promise.create(dict(values, value=90000.0))
            (small | big).action_submit()
            big.with_user(self.user_manager).action_approve(note=ok)
            env["vip.promise"]._cron_promise_reminders()
        with freeze_time(today + timedelta(days=1)):
            small.action_mark_kept(note=delivered)
        with freeze_time(today + timedelta(days=3)):
            env["vip.promise"]._cron_promise_reminders()
        # the visit plan, the tier note
        with freeze_time("2030-01-10"):
            env["vip.visit"]._vip_plan_visits()
        partner.with_env(env)._vip_log_tier_notes(
            {partner.id: self.env["vip.tier"]}, partner.vip_tier_id, "upgrade", {}
        )

    def test_no_english_and_traditional_stays_traditional(self):
        for lang in LANGS:
            self._run_flows(lang)
        # a survey invitation to both customers, in each one's language
        campaign = self.acting_env["vip.survey.campaign"].create(
            {"name": "VIP 2026", "tier_ids": [(6, 0, self.tier_gold.ids)]}
        )
        campaign.action_select_participants()
        campaign.action_launch()
        for lang in LANGS:
            with self.subTest(lang=lang):
                texts = self._texts(lang)
                self.assertGreater(len(texts), 20, "the flows wrote for the reader")
                english = {
                    match.group(0) for text in texts for match in ENGLISH.finditer(text)
                }
                self.assertFalse(
                    english,
                    f"English words in {lang} texts: {sorted(english)}\n"
                    + "\n".join(t for t in texts if ENGLISH.search(t))[:3000],
                )
                if lang == "zh_TW":
                    simplified = {
                        char for text in texts for char in text if char in SIMPLIFIED
                    }
                    self.assertFalse(
                        simplified,
                        f"Simplified characters for a zh_TW reader: {simplified}\n"
                        + "\n".join(t for t in texts if set(t) & SIMPLIFIED)[:3000],
                    )

    def test_make_up_days_named_in_each_language(self):
        calendar = self.calendar_cn
        # imported by someone reading English: the reasons exist in every language
        self.env["vip.holiday.year"].with_context(lang="en_US")._vip_import(
            calendar, "CN", 2026, 2026
        )
        workday = calendar.workday_ids.filtered(lambda w: "(" in (w.name or ""))[:1]
        self.assertTrue(workday, "a make-up day swapped with a day off")
        for lang in LANGS:
            name = workday.with_context(lang=lang).name
            self.assertFalse(ENGLISH.search(name), name)
            self.assertIn("2026/", name, "the date in the language's format")
        self.assertIn("Make-up", workday.with_context(lang="en_US").name)
