"""Query counts of the VIP portal pages: the tier page and each list page cost
the same number of queries for a customer with 1 record as with 50 (no query per
record), and no more than measured (a regression shows as a failure here)."""

from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

# queries of one warm request, measured on Odoo 19.0 with the module's
# dependencies only; the same for 1 and for 50 records
# measured; every page reads the visitor's time zone (the customer's, else its
# company's working hours': up to 2 queries for a portal user without one)
QUERIES = {
    # measured at 19.0.1.4.0: coupon cards, benefit status, survey per contact
    "/my/vip": 23,
    "/my/vip/complaints": 11,
    "/my/vip/promises": 10,
    "/my/vip/suggestions": 10,
    "/my/vip/meetings": 12,
}


@tagged("post_install", "-at_install", "vip_portal", "vip_performance")
class TestPortalQueries(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.salesperson = new_test_user(
            env,
            login="queries_sales",
            name="Quinn Salesperson",
            groups="base.group_user,partner_vip_care.group_vip_user",
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "Quantum Quilts",
                "is_company": True,
                "user_id": cls.salesperson.id,
                "vip_tier_id": env.ref("partner_vip_care.vip_tier_silver").id,
            }
        )
        cls.portal = new_test_user(
            env,
            login="queries_portal",
            name="Quentin Portal",
            email="quentin@quilts.example.com",
            groups="base.group_portal",
        )
        cls.portal.partner_id.parent_id = cls.customer

    # ------------------------------------------------------------------
    # records, n at a time
    # ------------------------------------------------------------------

    def _complaints(self, count):
        self.env["vip.complaint"].create(
            [
                {
                    "subject": f"Torn seam {index}",
                    "partner_id": self.portal.partner_id.id,
                    "user_id": self.salesperson.id,
                }
                for index in range(count)
            ]
        )

    def _promises(self, count):
        self.env["vip.promise"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "user_id": self.salesperson.id,
                    "promise_type": "delivery",
                    "description": f"Express shipping {index}",
                    "deadline": fields.Date.today() + timedelta(days=10 + index),
                    "state": "open",
                }
                for index in range(count)
            ]
        )

    def _suggestions(self, count):
        self.env["vip.suggestion"].create(
            [
                {"name": f"Idea {index}", "partner_id": self.portal.partner_id.id}
                for index in range(count)
            ]
        )

    def _meetings(self, count):
        start = datetime.now() + timedelta(days=5)
        meetings = self.env["vip.meeting"].create(
            [
                {
                    "name": f"Quality meeting {index}",
                    "start": start + timedelta(days=index),
                    "stop": start + timedelta(days=index, hours=2),
                    "user_id": self.salesperson.id,
                    "attendee_ids": [
                        Command.create({"partner_id": self.portal.partner_id.id})
                    ],
                }
                for index in range(count)
            ]
        )
        meetings.action_plan()

    # ------------------------------------------------------------------
    # counting
    # ------------------------------------------------------------------

    def _queries(self, url):
        """Queries of one request on ``url``, after two that warm the caches."""
        for _warm in range(2):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 200, url)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, 200, url)
        return self.cr.sql_log_count - before

    def _assert_flat(self, url, create):
        """The same query count with 1 and with 50 records, within QUERIES."""
        self.authenticate("queries_portal", "queries_portal")
        create(1)
        one = self._queries(url)
        create(49)
        fifty = self._queries(url)
        self.assertEqual(one, fifty, f"{url}: {one} queries for 1, {fifty} for 50")
        self.env.invalidate_all()
        with self.assertQueryCount(QUERIES[url]):
            self.url_open(url, allow_redirects=False)
        return fifty

    def test_queries_tier_page(self):
        def create(count):
            self._complaints(count)
            self._promises(count)
            self._suggestions(count)
            self._meetings(count)

        self._assert_flat("/my/vip", create)

    def test_queries_complaints(self):
        self._assert_flat("/my/vip/complaints", self._complaints)

    def test_queries_promises(self):
        self._assert_flat("/my/vip/promises", self._promises)

    def test_queries_suggestions(self):
        self._assert_flat("/my/vip/suggestions", self._suggestions)

    def test_queries_meetings(self):
        self._assert_flat("/my/vip/meetings", self._meetings)
