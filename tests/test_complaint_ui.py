from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "vip_ui", "vip_complaint")
class TestComplaintUi(HttpCase):
    def test_complaint_views(self):
        user = new_test_user(
            self.env,
            login="tour_complaint",
            name="Tour Complaint User",
            groups="base.group_user,partner_vip_care.group_vip_user",
        )
        customer = self.env["res.partner"].create(
            {"name": "Tour Customer", "user_id": user.id}
        )
        complaint = self.env["vip.complaint"].create(
            {"subject": "Tour: broken chairs", "partner_id": customer.id}
        )
        self.start_tour(
            "/odoo/action-partner_vip_care.vip_complaint_action",
            "partner_vip_care_complaint_tour",
            login="tour_complaint",
        )
        self.assertEqual(complaint.state, "in_progress")
        self.assertTrue(complaint.responded_on)
