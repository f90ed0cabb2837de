from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "vip_ui")
class TestUi(HttpCase):
    def test_vip_user_opens_menu(self):
        new_test_user(
            self.env,
            login="tour_vip",
            name="Tour VIP User",
            groups="base.group_user,partner_vip_care.group_vip_user",
        )
        self.start_tour("/odoo", "partner_vip_care_menu_tour", login="tour_vip")
