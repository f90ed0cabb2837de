from pathlib import Path

import polib

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import VipCareCommon

I18N = Path(__file__).resolve().parent.parent / "i18n"


@tagged("post_install", "-at_install", "vip_i18n")
class TestChineseTranslations(VipCareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.langs = ("zh_CN", "zh_TW")
        for lang in cls.langs:
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["partner_vip_care"], list(cls.langs), overwrite=True
        )
        cls.catalogues = {
            lang: {e.msgid: e.msgstr for e in polib.pofile(I18N / f"{lang}.po")}
            for lang in cls.langs
        }

    def test_catalogues_are_complete(self):
        template = {e.msgid for e in polib.pofile(I18N / "partner_vip_care.pot")}
        for lang, terms in self.catalogues.items():
            untranslated = [m for m in template if not terms.get(m)]
            self.assertFalse(untranslated, f"{lang} misses translations")

    def test_data_and_model_terms_are_translated(self):
        gold = self.env.ref("partner_vip_care.vip_tier_gold")
        field = self.env["ir.model.fields"]._get("res.partner", "vip_tier_id")
        for lang, terms in self.catalogues.items():
            self.assertEqual(gold.with_context(lang=lang).name, terms["Gold"])
            self.assertEqual(
                field.with_context(lang=lang).field_description, terms["VIP Tier"]
            )

    def test_error_messages_follow_the_user_language(self):
        silver = self.env.ref("partner_vip_care.vip_tier_silver")
        msgid = (
            "Tier %(tier)s: the revenue to retain the tier cannot exceed the revenue "
            "to qualify for it."
        )
        for lang, terms in self.catalogues.items():
            tier = silver.with_context(lang=lang)
            with self.assertRaises(ValidationError) as caught:
                tier.write({"retain_amount": tier.qualify_amount + 1})
            expected = terms[msgid] % {"tier": tier.name}
            self.assertEqual(caught.exception.args[0], expected)
