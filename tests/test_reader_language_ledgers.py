"""The reader's language where the demo run found English or the wrong script:
the "done" notes of approvals, the benefit use's cancellation, referral coupons,
the next account plan, and a suggestion reply to supporters of another script."""

from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import VipComplaintCommon
from .test_reader_clock import setup_readers
from .test_reader_language import ENGLISH, SIMPLIFIED


@tagged("post_install", "-at_install", "vip_i18n")
class TestReaderLanguageLedgers(VipComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_readers(cls)
        # the manager acting reads English: nothing written for the readers follows
        cls.user_manager.write({"lang": "en_US", "tz": "Europe/Brussels"})
        cls.env.company.vip_escalation_user_id = cls.user_manager

    def _notes(self, record):
        return [
            html2plaintext(m.body or "")
            for m in record.message_ids
            if m.message_type in ("notification", "comment")
        ]

    def _assert_chinese(self, texts, lang):
        english = {m.group(0) for t in texts for m in ENGLISH.finditer(t)}
        self.assertFalse(english, f"English for a {lang} reader: {texts}")
        if lang == "zh_TW":
            self.assertFalse({c for t in texts for c in t if c in SIMPLIFIED}, texts)

    def test_approval_done_note_in_the_owner_language(self):
        for lang, (user, _tz, partner) in self.readers.items():
            promise = (
                self.env["vip.promise"]
                .with_user(user)
                .create(
                    {
                        "partner_id": partner.id,
                        "description": "免费加急配送",
                        "value": 999999,
                        "deadline": fields.Date.today() + timedelta(days=10),
                    }
                )
            )
            promise.action_submit()
            promise.with_user(self.user_manager).action_approve()
            with self.subTest(lang=lang):
                done = promise.message_ids.filtered("mail_activity_type_id")[:1]
                self.assertTrue(done, "the approval activity was marked done")
                # the activity's own text follows its assignee (the manager, in
                # English); the "done" line is the promise's reader's
                activity_type = done.mail_activity_type_id
                self.assertNotIn(
                    activity_type.with_context(lang="en_US").name, done.body
                )
                self.assertIn(activity_type.with_context(lang=lang).name, done.body)

    def test_benefit_use_cancelled_in_the_reader_language(self):
        benefit = self.env["vip.benefit"].create({"name": "培训"})
        for lang, (user, _tz, partner) in self.readers.items():
            usage = (
                self.env["vip.benefit.usage"]
                .with_user(user)
                .create({"partner_id": partner.id, "benefit_id": benefit.id})
            )
            usage.with_user(self.user_manager).action_cancel("重复")
            with self.subTest(lang=lang):
                note = [text for text in self._notes(usage) if "重复" in text]
                self.assertEqual(len(note), 1, "the cancellation is noted")
                self._assert_chinese(note, lang)

    def test_suggestion_reply_in_each_recipient_language(self):
        (_cn_user, _tz, cn_customer) = self.readers["zh_CN"]
        (_tw_user, _tz, tw_customer) = self.readers["zh_TW"]
        suggestion = self.env["vip.suggestion"].create(
            {
                "name": "双语包装清单",
                "partner_id": cn_customer.id,
                "supporter_ids": [(6, 0, tw_customer.ids)],
            }
        )
        suggestion.action_accept("下季度起执行")
        suggestion.action_send_reply()
        replies = suggestion.message_ids.filtered(
            lambda m: m.message_type == "comment" and m.partner_ids
        )
        by_reader = {m.partner_ids: m for m in replies}
        self.assertEqual(set(by_reader), {cn_customer, tw_customer})
        tw_reply = by_reader[tw_customer]
        tw_text = html2plaintext(tw_reply.body) + (tw_reply.subject or "")
        # the module's words in Traditional (the suggestion's own name is typed)
        tw_text = tw_text.replace(suggestion.name, "").replace("下季度起执行", "")
        self._assert_chinese([tw_text], "zh_TW")
        self._assert_chinese([html2plaintext(by_reader[cn_customer].body)], "zh_CN")
