from datetime import date, datetime, timedelta

from odoo import Command
from odoo.tests import tagged

from .common import VipCareCommon


@tagged("post_install", "-at_install", "vip_cross_links")
class TestCrossLinks(VipCareCommon):
    """Complaints, promises, suggestions, visits and meetings created from each other,
    and the customer's 360° page gathering them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gold = cls.env.ref("partner_vip_care.vip_tier_gold")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Linked Ltd",
                "is_company": True,
                "user_id": cls.user_vip.id,
                "email": "linked@example.com",
            }
        )
        cls.customer.vip_tier_id = cls.gold
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Bea Buyer", "parent_id": cls.customer.id}
        )
        cls.visit = cls.env["vip.visit"].create(
            {
                "partner_id": cls.customer.id,
                "contact_id": cls.buyer.id,
                "user_id": cls.user_vip.id,
                "date": date.today(),
                "visit_type": "account_manager",
                "summary": "Quarterly review",
                "customer_feedback": "<p>Deliveries come late on Fridays.</p>",
            }
        )

    def _create_from(self, action, **vals):
        """Create the record a prefilled form action would create on save."""
        model = self.env[action["res_model"]].with_user(self.user_vip)
        return model.with_context(**action["context"]).create(vals)

    def test_compensation_goes_through_the_ledger(self):
        complaint = self.env["vip.complaint"].create(
            {"subject": "Broken pallet", "partner_id": self.buyer.id}
        )
        complaint.action_acknowledge()
        action = complaint.action_offer_compensation()
        promise = self.env["vip.promise"].browse(action["res_id"])
        self.assertEqual(promise.complaint_id, complaint)
        self.assertEqual(promise.partner_id, self.customer)
        self.assertEqual(promise.contact_id, self.buyer)
        self.assertEqual(promise.state, "draft")
        self.assertEqual(complaint.promise_ids, promise)
        self.assertEqual(complaint.promise_count, 1)
        promise.write(
            {
                "value": self.gold.promise_limit + 1,
                "deadline": date.today() + timedelta(7),
            }
        )
        promise.with_user(self.user_vip).action_submit()
        self.assertEqual(promise.state, "to_approve", "above the tier's bottom line")

    def test_complaint_from_visit_and_meeting(self):
        complaint = self._create_from(self.visit.action_new_complaint())
        self.assertEqual(complaint.channel, "visit")
        self.assertEqual(complaint.visit_id, self.visit)
        self.assertEqual(complaint.partner_id, self.buyer)
        self.assertEqual(complaint.subject, "Quarterly review")
        self.assertEqual(complaint.tier_id, self.gold, "tier snapshot at intake")
        self.assertTrue(complaint.response_deadline)
        meeting = self.env["vip.meeting"].create(
            {
                "name": "Quality meeting",
                "start": datetime.now() + timedelta(days=1),
                "stop": datetime.now() + timedelta(days=1, hours=2),
                "attendee_ids": [Command.create({"partner_id": self.buyer.id})],
            }
        )
        complaint = self._create_from(meeting.action_new_complaint())
        self.assertEqual(
            (complaint.channel, complaint.meeting_id, complaint.partner_id),
            ("meeting", meeting, self.customer),
        )

    def test_promise_and_suggestion_from_visit(self):
        promise = self._create_from(
            self.visit.action_new_promise(),
            value=100,
            deadline=date.today() + timedelta(10),
        )
        self.assertEqual(promise.visit_id, self.visit)
        self.assertEqual(promise.partner_id, self.customer)
        self.assertIn("Quarterly review", promise.description)
        suggestion = self._create_from(self.visit.action_new_suggestion())
        self.assertEqual(suggestion.visit_id, self.visit)
        self.assertEqual(suggestion.name, "Quarterly review")
        self.assertIn("Fridays", suggestion.description)

    def test_suggestion_from_complaint_and_promise_from_suggestion(self):
        complaint = self.env["vip.complaint"].create(
            {"subject": "Friday deliveries", "partner_id": self.customer.id}
        )
        suggestion = self._create_from(complaint.action_raise_suggestion())
        self.assertEqual(suggestion.complaint_id, complaint)
        suggestion.action_accept(note="We add a Thursday round.")
        promise = self._create_from(
            suggestion.action_new_promise(),
            value=0,
            deadline=date.today() + timedelta(30),
        )
        self.assertEqual(promise.suggestion_id, suggestion)
        self.assertEqual(suggestion.promise_count, 1)

    def test_360_page_and_kanban_counter_show_open_work_only(self):
        Complaint = self.env["vip.complaint"]
        open_one, done = Complaint.create(
            [
                {"subject": "Open issue", "partner_id": self.buyer.id},
                {"subject": "Solved issue", "partner_id": self.customer.id},
            ]
        )
        done.action_start()
        done.action_resolve(resolution="<p>Replaced</p>")
        customer = self.customer.with_user(self.user_vip)
        self.assertEqual(customer.vip_open_complaint_ids, open_one)
        self.assertEqual(customer.vip_open_complaint_count, 1)
        self.assertEqual(customer.vip_complaint_count, 2)
        # the 360° list shows the time left to answer the open complaint
        self.assertRegex(customer.vip_open_complaint_ids.sla_badge, r" left$")
