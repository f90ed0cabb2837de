from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import VipCareCommon


@tagged("post_install", "-at_install", "vip_settings")
class TestSettings(VipCareCommon):
    def test_defaults(self):
        company = self.env["res.company"].create({"name": "Fresh Co"})
        self.assertEqual(company.vip_window_months, 12)
        self.assertEqual(company.vip_downgrade_grace_days, 30)
        self.assertEqual(company.vip_at_risk_ratio, 0.75)

    def test_settings_write_company(self):
        settings = self.env["res.config.settings"].create({"vip_window_months": 6})
        settings.execute()
        self.assertEqual(self.company.vip_window_months, 6)

    def test_bad_settings_are_refused(self):
        bad_values = [
            {"vip_window_months": 0},
            {"vip_at_risk_ratio": 1.5},
            {"vip_downgrade_grace_days": -1},
            {"vip_default_response_hours": 10, "vip_default_resolution_hours": 5},
        ]
        for vals in bad_values:
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.company.write(vals)

    def test_complaint_alias_is_set_in_settings(self):
        alias = self.env.ref("partner_vip_care.mail_alias_vip_complaint")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.vip_complaint_alias_name, alias.alias_name)
        settings.vip_complaint_alias_name = "service-desk"
        settings.execute()
        self.assertEqual(alias.alias_name, "service-desk")
        self.assertEqual(alias.alias_model_id.model, "vip.complaint")
