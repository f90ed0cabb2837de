from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import VipComplaintCommon


@tagged("post_install", "-at_install", "vip_complaint")
class TestComplaintAnswers(VipComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.answer_delivery = cls.env.ref(
            "partner_vip_care.mail_template_vip_answer_delivery"
        )
        cls.answer_general = cls.env.ref(
            "partner_vip_care.mail_template_vip_answer_other"
        )
        cls.category_delivery.answer_template_ids |= cls.answer_general
        cls.customer.email = "service@golden-lotus.example.com"

    def _reply(self, complaint, user=None, template=None):
        action = complaint.with_user(user or self.user_vip).action_reply_standard()
        composer_form = Form(
            self.env["mail.compose.message"]
            .with_user(user or self.user_vip)
            .with_context(**action["context"])
        )
        if template:
            composer_form.vip_answer_template_id = template
        return composer_form

    def test_shipped_answers(self):
        for xmlid in ("product", "delivery", "billing", "service", "other"):
            category = self.env.ref(f"partner_vip_care.vip_complaint_category_{xmlid}")
            self.assertTrue(category.answer_template_ids, xmlid)
            self.assertEqual(
                set(category.answer_template_ids.mapped("model")), {"vip.complaint"}
            )

    @freeze_time("2026-03-06 15:00:00")
    def test_answers_first_and_rendered(self):
        complaint = self._complaint(
            category_id=self.category_delivery.id, user_id=self.user_vip.id
        )
        action = complaint.with_user(self.user_vip).action_reply_standard()
        self.assertEqual(action["res_model"], "mail.compose.message")
        context = action["context"]
        self.assertEqual(context["default_composition_mode"], "comment")
        self.assertEqual(context["default_res_ids"], complaint.ids)
        # the category's answers, in their order, the first one loaded
        self.assertEqual(
            context["default_vip_answer_template_ids"],
            (self.answer_delivery | self.answer_general).ids,
        )
        self.assertEqual(context["default_template_id"], self.answer_delivery.id)
        composer = self._reply(complaint)
        self.assertEqual(composer.template_id, self.answer_delivery)
        self.assertEqual(composer.vip_answer_template_id, self.answer_delivery)
        self.assertIn(complaint.name, composer.subject)
        body = str(composer.body)
        self.assertIn("Golden Lotus Trading", body)
        self.assertIn(complaint.name, body)
        self.assertIn("Gold", body)
        self.assertIn(self.user_vip.name, body)
        # deadlines in the customer's time zone (the calendar's: UTC), no seconds
        self.assertIn("03/09/2026 10:00 AM", body)
        self.assertIn("03/10/2026 03:00 PM", body)
        # picking the other standard answer loads it
        composer.vip_answer_template_id = self.answer_general
        self.assertEqual(composer.template_id, self.answer_general)
        self.assertIn("is handling your complaint", str(composer.body))
        # no category: the composer opens without answers
        plain = self._complaint()
        action = plain.action_reply_standard()
        self.assertFalse(action["context"]["default_vip_answer_template_ids"])
        self.assertFalse(action["context"]["default_template_id"])

    @freeze_time("2026-03-06 15:00:00")
    def test_rendered_in_customer_language(self):
        for lang in ("zh_CN", "zh_TW"):
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(
            ["partner_vip_care"], ["zh_CN", "zh_TW"], overwrite=True
        )
        expected = {"zh_CN": "尊敬的", "zh_TW": "親愛的"}
        for lang, greeting in expected.items():
            with self.subTest(lang=lang):
                self.customer.lang = lang
                complaint = self._complaint(
                    category_id=self.category_delivery.id, user_id=self.user_vip.id
                )
                body = str(self._reply(complaint).body)
                self.assertIn(greeting, body)
                self.assertIn(complaint.name, body)
                self.assertIn("Golden Lotus Trading", body)
                self.assertIn("2026/03/09 10:00", body)

    @freeze_time("2026-03-06 15:00:00")
    def test_use_count_once_per_reply(self):
        complaint = self._complaint(
            category_id=self.category_delivery.id, user_id=self.user_vip.id
        )
        self.assertEqual(self.answer_delivery.vip_use_count, 0)
        composer = self._reply(complaint).save()
        composer.action_send_mail()
        self.assertEqual(self.answer_delivery.vip_use_count, 1)
        self.assertEqual(self.category_delivery.answer_use_count, 1)
        message = complaint.message_ids[0]
        self.assertIn(self.customer, message.partner_ids)
        # a second reply with the other answer counts that one only
        self._reply(complaint, template=self.answer_general).save().action_send_mail()
        self.assertEqual(self.answer_delivery.vip_use_count, 1)
        self.assertEqual(self.answer_general.vip_use_count, 1)
        self.assertEqual(self.category_delivery.answer_use_count, 2)
        # a composer without a template counts nothing
        composer = self._reply(self._complaint()).save()
        composer.body = "<p>Hand-written reply</p>"
        composer.action_send_mail()
        self.assertEqual(self.category_delivery.answer_use_count, 2)
        # the counter is the workflow's: users cannot type it in
        self.assertEqual(self.answer_delivery._fields["vip_use_count"].readonly, True)
