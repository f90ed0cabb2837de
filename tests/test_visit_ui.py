from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "vip_ui", "vip_visit")
class TestVisitUi(HttpCase):
    def test_log_a_visit_from_the_vip_customers_page(self):
        user = new_test_user(
            self.env,
            login="tour_visit",
            name="Tour Visit User",
            groups="base.group_user,partner_vip_care.group_vip_user",
        )
        customer = self.env["res.partner"].create(
            {
                "name": "Tour Harbour Ltd",
                "is_company": True,
                "user_id": user.id,
                "vip_tier_id": self.env.ref("partner_vip_care.vip_tier_gold").id,
                "vip_since": date(2020, 1, 1),
            }
        )
        self.env["vip.visit"].create(
            {
                "partner_id": customer.id,
                "user_id": user.id,
                "visit_type": "management",
                "summary": "Board dinner",
            }
        )
        self.assertTrue(customer.vip_visit_overdue)  # account manager visit
        self.start_tour("/odoo", "partner_vip_care_visit_tour", login="tour_visit")
        self.assertIn("Tour quarterly review", customer.vip_visit_ids.mapped("summary"))
        self.assertFalse(customer.vip_visit_overdue)
