"""The VIP customer portal, route by route and role by role: two portal users of
customer C, one of customer D, an internal user outside VIP Care, the public
with and without a complaint's access token; hostile input never gives a 500."""

import re
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import format_date, mute_logger

from odoo.addons.partner_vip_care.controllers import portal_complaint as portal_module

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


@tagged("post_install", "-at_install", "vip_portal")
class TestVipPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env.company
        cls.company.vip_window_months = 12
        cls.silver = env.ref("partner_vip_care.vip_tier_silver")
        cls.gold = env.ref("partner_vip_care.vip_tier_gold")
        cls.silver.write(
            {
                "qualify_amount": 50000,
                "retain_amount": 40000,
                "benefits": "<p>Priority hotline</p>",
            }
        )
        cls.gold.write({"qualify_amount": 200000, "retain_amount": 160000})
        cls.salesperson = new_test_user(
            env,
            login="portal_sales",
            name="Sally Salesperson",
            email="sally@vip.example.com",
            groups="base.group_user,partner_vip_care.group_vip_user",
        )
        cls.manager = new_test_user(
            env,
            login="portal_manager",
            name="Max Manager",
            groups="base.group_user,partner_vip_care.group_vip_manager",
        )
        cls.internal = new_test_user(
            env,
            login="portal_internal",
            name="Ines Internal",
            groups="base.group_user",
        )
        cls.customer_c = env["res.partner"].create(
            {
                "name": "Cathay Ceramics",
                "is_company": True,
                "user_id": cls.salesperson.id,
                "vip_tier_id": cls.silver.id,
            }
        )
        cls.customer_d = env["res.partner"].create(
            {"name": "Delta Dairies", "is_company": True}
        )
        cls.portal_c1 = cls._portal_user("portal_c1", "Chen One", cls.customer_c)
        cls.portal_c2 = cls._portal_user("portal_c2", "Chen Two", cls.customer_c)
        cls.portal_d1 = cls._portal_user("portal_d1", "Dora Delta", cls.customer_d)
        Complaint = env["vip.complaint"]
        cls.complaint_c1 = Complaint.create(
            {
                "subject": "Cracked vases",
                "partner_id": cls.portal_c1.partner_id.id,
                "user_id": cls.salesperson.id,
                "root_cause": "Internal: packing line 3",
            }
        )
        cls.complaint_c2 = Complaint.create(
            {
                "subject": "Wrong glaze colour",
                "partner_id": cls.portal_c2.partner_id.id,
                "user_id": cls.salesperson.id,
            }
        )
        cls.complaint_d = Complaint.create(
            {
                "subject": "Sour milk delivered",
                "partner_id": cls.portal_d1.partner_id.id,
                "user_id": cls.salesperson.id,
            }
        )
        cls.complaint_c1._portal_ensure_token()
        cls.complaint_d._portal_ensure_token()

    @classmethod
    def _portal_user(cls, login, name, company_partner):
        user = new_test_user(
            cls.env,
            login=login,
            name=name,
            email=f"{login}@customer.example.com",
            groups="base.group_portal",
        )
        user.partner_id.parent_id = company_partner
        return user

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _get(self, url, status=200):
        response = self.url_open(url, allow_redirects=False)
        self.assertEqual(response.status_code, status, url)
        return response

    def _csrf(self, url):
        match = CSRF_RE.search(self._get(url).text)
        self.assertTrue(match, f"no CSRF token in {url}")
        return match.group(1)

    def _post(self, url, data, files=None, status=None):
        response = self.url_open(url, data=data, files=files, allow_redirects=False)
        self.assertNotEqual(response.status_code, 500, url)
        if status:
            self.assertEqual(response.status_code, status, url)
        return response

    def _submit(self, **fields_):
        data = {
            "csrf_token": self._csrf("/my/vip/complaints/new"),
            "subject": "Broken lids",
            "description": "Half the lids were broken.",
            "severity": "normal",
            **fields_,
        }
        return self._post("/my/vip/complaints/new", data)

    # ------------------------------------------------------------------
    # home and tier page
    # ------------------------------------------------------------------

    def test_home_counters(self):
        self.authenticate("portal_c1", "portal_c1")
        home = self._get("/my/home").text
        for url in ("/my/vip", "/my/vip/complaints", "/my/vip/promises"):
            self.assertIn(f'href="{url}"', home)
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {
                "counters": [
                    "vip_complaint_count",
                    "vip_promise_count",
                    "vip_suggestion_count",
                    "vip_meeting_count",
                ]
            },
        )
        self.assertEqual(counters["vip_complaint_count"], 2, "C1's and C2's")
        self.assertEqual(counters["vip_promise_count"], 0)

    def test_tier_page(self):
        today = fields.Date.context_today(self.customer_c)
        invoices = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer_c.id,
                    "invoice_date": today - timedelta(days=days_ago),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Vases",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
                for amount, days_ago in ((20000, 100), (25000, 10))
            ]
        )
        invoices.action_post()
        status = self.customer_c._vip_portal_tier_status()
        oldest = today - timedelta(days=100)
        by_day = oldest + relativedelta(months=12, days=-1)
        self.assertEqual(status["revenue"], 45000)
        self.assertEqual(status["next_tier"], self.gold)
        self.assertEqual(status["needed_next"], 155000)
        self.assertEqual(status["by_day"], by_day)
        # the 20,000 of the oldest day leave the window: 25,000 stay, 40,000 keep
        self.assertEqual(status["needed_keep"], 15000)
        self.assertIn("to reach Gold", status["next_line"])
        # 45,000 bought keep Silver (40,000) today: said so, not "buy again"
        self.assertIn("keep Silver today", status["keep_line"])
        self.authenticate("portal_c2", "portal_c2")
        page = self._get("/my/vip").text
        self.assertIn("Silver", page)
        self.assertIn("to reach Gold", page)
        self.assertIn(format_date(self.env, by_day), page)
        self.assertIn("Priority hotline", page)
        self.assertIn("Sally Salesperson", page)
        self.assertIn("sally@vip.example.com", page)

    def test_tier_page_roles(self):
        self._get("/my/vip", status=303)  # public: to the login page
        self.authenticate("portal_d1", "portal_d1")
        page = self._get("/my/vip").text
        self.assertIn("No tier yet", page)
        self.assertNotIn("Cathay Ceramics", page)
        self.authenticate("portal_internal", "portal_internal")
        self._get("/my/vip")

    # ------------------------------------------------------------------
    # complaints: list and detail
    # ------------------------------------------------------------------

    def test_complaint_list_visibility(self):
        self.authenticate("portal_c1", "portal_c1")
        page = self._get("/my/vip/complaints").text
        self.assertIn("Cracked vases", page)
        self.assertIn("Wrong glaze colour", page, "a colleague's complaint too")
        self.assertNotIn("Sour milk", page)
        filtered = self._get(
            "/my/vip/complaints?filterby=waiting&sortby=deadline&search=vases"
        ).text
        self.assertNotIn("Cracked vases", filtered)
        self.complaint_c1.action_wait()
        filtered = self._get("/my/vip/complaints?filterby=waiting").text
        self.assertIn("Cracked vases", filtered)
        self.assertIn("Paused, waiting for your answer", filtered)
        # unknown sort, filter and page values fall back on the defaults
        self._get("/my/vip/complaints?filterby=evil&sortby=1;drop&page=abc")
        self._get("/my/vip/complaints/page/99")
        self.authenticate("portal_d1", "portal_d1")
        page = self._get("/my/vip/complaints").text
        self.assertIn("Sour milk", page)
        self.assertNotIn("Cracked vases", page)

    def test_complaint_detail_access(self):
        url_c1 = f"/my/vip/complaints/{self.complaint_c1.id}"
        self.authenticate("portal_c2", "portal_c2")
        page = self._get(url_c1).text
        self.assertIn("Cracked vases", page)
        self.assertIn("We answer by", page)
        self.assertNotIn("packing line 3", page, "root cause is internal")
        self.authenticate("portal_d1", "portal_d1")
        self._get(url_c1, status=404)
        self._get(f"{url_c1}?access_token=wrong", status=404)
        self._get("/my/vip/complaints/999999", status=404)
        self.authenticate("portal_internal", "portal_internal")
        self._get(url_c1, status=404)
        self.authenticate("portal_sales", "portal_sales")
        self._get(url_c1)
        # mail links: the token opens the complaint without a login
        self.logout()
        self._get(url_c1, status=404)
        self._get(f"{url_c1}?access_token=wrong", status=404)
        token = self.complaint_c1.access_token
        self.assertIn("Cracked vases", self._get(f"{url_c1}?access_token={token}").text)
        self._get(
            f"/my/vip/complaints/{self.complaint_d.id}?access_token={token}",
            status=404,
        )

    def test_complaint_internal_fields_hidden_from_portal(self):
        complaint = self.complaint_c1.with_user(self.portal_c2)
        self.assertEqual(complaint.subject, "Cracked vases")
        fields_ = complaint.fields_get()
        self.assertNotIn("root_cause", fields_)
        self.assertNotIn("escalation_level", fields_)
        self.assertFalse(
            self.env["vip.complaint"]
            .with_user(self.portal_d1)
            .search([("id", "=", self.complaint_c1.id)])
        )

    def test_portal_message_reaches_complaint(self):
        self.authenticate("portal_c2", "portal_c2")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "vip.complaint",
                "thread_id": self.complaint_c1.id,
                "post_data": {
                    "body": "Photos attached tomorrow.",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
        )
        message = self.complaint_c1.message_ids.filtered(
            lambda m: "Photos attached" in (m.body or "")
        )
        self.assertEqual(message.author_id, self.portal_c2.partner_id)
        self.assertFalse(self.complaint_c1.responded_on, "the customer's own words")
        # from a mail link, without a login: posted as the complaint's customer
        self.logout()
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "vip.complaint",
                "thread_id": self.complaint_c1.id,
                "post_data": {"body": "Sent from my phone."},
                "token": self.complaint_c1.access_token,
            },
        )
        message = self.complaint_c1.message_ids.filtered(
            lambda m: "from my phone" in (m.body or "")
        )
        self.assertEqual(message.author_id, self.portal_c1.partner_id)

    def test_confirm_and_reopen(self):
        self.complaint_c1.action_resolve(resolution="<p>Replaced</p>")
        self.complaint_c2.action_resolve(resolution="<p>Reglazed</p>")
        url = f"/my/vip/complaints/{self.complaint_c1.id}"
        self.authenticate("portal_d1", "portal_d1")
        csrf = self._csrf("/my/vip/complaints/new")
        self._post(f"{url}/confirm", {"csrf_token": csrf}, status=404)
        self.assertEqual(self.complaint_c1.state, "resolved")
        self.authenticate("portal_c2", "portal_c2")
        page = self._get(url).text
        self.assertIn("Confirm resolved", page)
        self.assertIn("Still a problem", page)
        csrf = CSRF_RE.search(page).group(1)
        self._post(f"{url}/confirm", {"csrf_token": "forged"}, status=303)
        self.assertEqual(self.complaint_c1.state, "resolved", "forged CSRF")
        response = self._post(f"{url}/confirm", {"csrf_token": csrf}, status=303)
        self.assertIn("notice=closed", response.headers["Location"])
        self.assertEqual(self.complaint_c1.state, "closed")
        # a second click finds the complaint closed: a message, not an error
        response = self._post(f"{url}/confirm", {"csrf_token": csrf}, status=303)
        self.assertIn("notice=state", response.headers["Location"])
        url_c2 = f"/my/vip/complaints/{self.complaint_c2.id}"
        # the resolution is the company's message to the customer
        self.assertIn("Reglazed", self._get(url_c2).text)
        # reopening asks why: without a reason nothing moves
        response = self._post(f"{url_c2}/reopen", {"csrf_token": csrf}, status=303)
        self.assertIn("notice=reason", response.headers["Location"])
        self.assertEqual(self.complaint_c2.state, "resolved")
        self._post(
            f"{url_c2}/reopen",
            {"csrf_token": csrf, "reason": "The glaze still peels off"},
            status=303,
        )
        self.assertEqual(self.complaint_c2.state, "in_progress")
        self.assertEqual(self.complaint_c2.reopen_count, 1)
        reason = self.complaint_c2.message_ids.filtered(
            lambda m: "still peels off" in (m.body or "")
        )
        self.assertEqual(reason.author_id, self.portal_c2.partner_id)
        self.assertFalse(reason.subtype_id.internal, "the customer's own message")
        self.assertIn("reopened", self._get(f"{url_c2}?notice=reopened").text)

    # ------------------------------------------------------------------
    # complaints: the form
    # ------------------------------------------------------------------

    def test_complaint_submit(self):
        category = self.env["vip.complaint.category"].create({"name": "Breakage"})
        self.authenticate("portal_c1", "portal_c1")
        response = self._submit(
            category_id=str(category.id),
            severity="high",
            description="Line one\n<b>bold?</b>",
        )
        self.assertEqual(response.status_code, 303)
        complaint = self.env["vip.complaint"].search([("subject", "=", "Broken lids")])
        self.assertEqual(len(complaint), 1)
        self.assertIn(
            f"/my/vip/complaints/{complaint.id}", response.headers["Location"]
        )
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.partner_id, self.portal_c1.partner_id)
        self.assertEqual(complaint.commercial_partner_id, self.customer_c)
        self.assertEqual(complaint.category_id, category)
        self.assertEqual(complaint.severity, "high")
        self.assertEqual(complaint.tier_id, self.silver)
        self.assertEqual(complaint.user_id, self.salesperson)
        self.assertTrue(complaint.response_deadline)
        self.assertNotIn("<b>", complaint.description)
        self.assertIn("&lt;b&gt;", complaint.description)
        page = self._get(response.headers["Location"]).text
        self.assertIn("registered", page)
        self.authenticate("portal_c2", "portal_c2")
        self.assertIn("Broken lids", self._get("/my/vip/complaints").text)

    def test_complaint_submit_attachments(self):
        self.authenticate("portal_c1", "portal_c1")
        data = {
            "csrf_token": self._csrf("/my/vip/complaints/new"),
            "subject": "With photos",
            "description": "See the photo.",
        }
        response = self._post(
            "/my/vip/complaints/new",
            data,
            files=[("attachments", ("photo.txt", b"not really a photo", "text/plain"))],
            status=303,
        )
        complaint = self.env["vip.complaint"].search([("subject", "=", "With photos")])
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "vip.complaint"), ("res_id", "=", complaint.id)]
        )
        self.assertEqual(attachment.name, "photo.txt")
        self.assertTrue(response.headers["Location"])
        # too many files, one too large: messages, nothing created
        self.patch(portal_module, "ATTACHMENT_MAX_BYTES", 10)
        data["csrf_token"] = self._csrf("/my/vip/complaints/new")
        data["subject"] = "Too large"
        response = self._post(
            "/my/vip/complaints/new",
            data,
            files=[("attachments", ("big.txt", b"x" * 11, "text/plain"))],
            status=400,
        )
        self.assertIn("big.txt is larger than", response.text)
        self.assertFalse(
            self.env["vip.complaint"].search([("subject", "=", "Too large")])
        )

    def test_complaint_hostile_input(self):
        self.authenticate("portal_c1", "portal_c1")
        Complaint = self.env["vip.complaint"]
        before = Complaint.search_count([])
        cases = [
            ({"subject": "", "description": ""}, "Subject: please say"),
            ({"subject": "x" * 201}, "Subject: at most 200 characters"),
            ({"description": "y" * (1024 * 1024)}, "Description: at most 20000"),
            ({"severity": "apocalyptic"}, "Severity: choose one of"),
            ({"category_id": "abc"}, "Category: choose one of the listed"),
            ({"category_id": "999999"}, "Category: choose one of the listed"),
        ]
        for values, message in cases:
            with self.subTest(values=list(values)):
                response = self._submit(**values)
                self.assertEqual(response.status_code, 400)
                self.assertIn(message, response.text)
        # a forged CSRF token: a message in the page, nothing created
        response = self._post(
            "/my/vip/complaints/new",
            {"csrf_token": "forged", "subject": "Forged", "description": "x"},
            status=400,
        )
        self.assertIn("Your session expired", response.text)
        # several values for one field (a list instead of a string)
        response = self._post(
            "/my/vip/complaints/new",
            [
                ("csrf_token", self._csrf("/my/vip/complaints/new")),
                ("subject", "a"),
                ("subject", "b"),
                ("description", "c"),
            ],
        )
        self.assertIn(response.status_code, (303, 400))
        # script tags are escaped and never rendered as markup
        response = self._submit(
            subject="<script>alert(1)</script>",
            description="<script>alert('x')</script><img src=x onerror=alert(2)>",
        )
        self.assertEqual(response.status_code, 303)
        complaint = Complaint.search([], order="id desc", limit=1)
        self.assertNotIn("<script", complaint.description)
        self.assertNotIn("<img", complaint.description)
        page = self._get(response.headers["Location"]).text
        self.assertNotIn("<script>alert", page)
        self.assertEqual(Complaint.search_count([]), before + 2)

    def test_complaint_rate_limit(self):
        self.env["ir.config_parameter"].set_param(portal_module.RATE_LIMIT_PARAM, "2")
        self.authenticate("portal_c1", "portal_c1")
        self.assertEqual(self._submit(subject="First").status_code, 303)
        self.authenticate("portal_c2", "portal_c2")
        self.assertEqual(self._submit(subject="Second").status_code, 303)
        response = self._submit(subject="Third")
        self.assertEqual(response.status_code, 400)
        self.assertIn("in the last hour", response.text)
        self.assertFalse(self.env["vip.complaint"].search([("subject", "=", "Third")]))
        # another customer has its own allowance
        self.authenticate("portal_d1", "portal_d1")
        self.assertEqual(self._submit(subject="Other customer").status_code, 303)

    def test_complaint_form_roles(self):
        self._get("/my/vip/complaints/new", status=303)  # public: to the login
        self.authenticate("portal_d1", "portal_d1")
        page = self._get("/my/vip/complaints/new").text
        self.assertIn('name="subject"', page)
        self.assertIn('name="description"', page)
        self.assertIn('name="csrf_token"', page)

    # ------------------------------------------------------------------
    # promises, suggestions, meetings
    # ------------------------------------------------------------------

    def test_promises(self):
        Promise = self.env["vip.promise"]
        promise = Promise.create(
            {
                "partner_id": self.customer_c.id,
                "user_id": self.salesperson.id,
                "promise_type": "delivery",
                "description": "Express shipping on the next order",
                "value": 12345.67,
                "deadline": fields.Date.today() + timedelta(days=10),
                "state": "open",
                "approval_note": "Secret approval note",
                "limit_applied": 999,
            }
        )
        Promise.create(
            {
                "partner_id": self.customer_c.id,
                "description": "Draft only, not promised yet",
            }
        )
        Promise.create(
            {
                "partner_id": self.customer_d.id,
                "description": "Delta discount",
                "state": "open",
            }
        )
        self.authenticate("portal_c2", "portal_c2")
        page = self._get("/my/vip/promises").text
        self.assertIn(promise.name, page)
        self.assertIn("Express shipping", page)
        self.assertNotIn("12,345", page)
        self.assertNotIn("12345", page)
        self.assertNotIn("Secret approval", page)
        self.assertNotIn("Draft only", page)
        self.assertNotIn("Delta discount", page)
        self.authenticate("portal_d1", "portal_d1")
        page = self._get("/my/vip/promises").text
        self.assertIn("Delta discount", page)
        self.assertNotIn("Express shipping", page)

    def _meeting(self, *partners):
        meeting = self.env["vip.meeting"].create(
            {
                "name": "Quality meeting",
                "start": datetime.now() + timedelta(days=5),
                "stop": datetime.now() + timedelta(days=5, hours=2),
                "user_id": self.salesperson.id,
                "attendee_ids": [
                    Command.create({"partner_id": partner.id}) for partner in partners
                ],
            }
        )
        meeting.action_plan()
        return meeting

    def test_suggestions(self):
        Suggestion = self.env["vip.suggestion"]
        own = Suggestion.create(
            {"name": "Bilingual invoices", "partner_id": self.portal_c2.partner_id.id}
        )
        own._vip_workflow_write(
            {"state": "accepted", "decision_note": "From next month."}
        )
        meeting = self._meeting(self.portal_c1.partner_id, self.portal_d1.partner_id)
        shared = Suggestion.create(
            {
                "name": "Shared pallets",
                "partner_id": self.portal_d1.partner_id.id,
                "meeting_id": meeting.id,
            }
        )
        Suggestion.create(
            {"name": "Private Delta idea", "partner_id": self.customer_d.id}
        )
        self.authenticate("portal_c1", "portal_c1")
        page = self._get("/my/vip/suggestions").text
        self.assertIn("Bilingual invoices", page)
        self.assertIn("From next month.", page)
        # another customer's idea at the same meeting is its own (issue 21)
        self.assertNotIn("Shared pallets", page)
        self.assertNotIn("Private Delta idea", page)
        csrf = self._csrf("/my/vip/complaints/new")
        response = self._post(
            f"/my/vip/suggestions/{shared.id}/support",
            {"csrf_token": csrf},
            status=303,
        )
        self.assertIn("notice=supported", response.headers["Location"])
        self.assertEqual(shared.supporter_ids, self.customer_c)
        # supported, it is the customer's too: listed, with "You support it"
        page = self._get("/my/vip/suggestions").text
        self.assertIn("Shared pallets", page)
        self.assertIn("You support it", page)
        # own suggestion: no "Me too"; another customer's private one: 404
        response = self._post(
            f"/my/vip/suggestions/{own.id}/support", {"csrf_token": csrf}, status=303
        )
        self.assertIn("notice=state", response.headers["Location"])
        private = Suggestion.search([("name", "=", "Private Delta idea")])
        self._post(
            f"/my/vip/suggestions/{private.id}/support",
            {"csrf_token": csrf},
            status=404,
        )
        self.assertFalse(private.supporter_ids)

    def test_suggestion_submit(self):
        self.authenticate("portal_c1", "portal_c1")
        self._get("/my/vip/suggestions/new")
        csrf = self._csrf("/my/vip/suggestions/new")
        response = self._post(
            "/my/vip/suggestions/new",
            {"csrf_token": csrf, "name": "", "category": "evil"},
            status=400,
        )
        self.assertIn("Title: please name your idea", response.text)
        self.assertIn("Category: choose one of", response.text)
        response = self._post(
            "/my/vip/suggestions/new",
            {
                "csrf_token": csrf,
                "name": "Night deliveries",
                "description": "<script>x</script>",
                "category": "delivery",
            },
            status=303,
        )
        suggestion = self.env["vip.suggestion"].search(
            [("name", "=", "Night deliveries")]
        )
        self.assertEqual(suggestion.partner_id, self.portal_c1.partner_id)
        self.assertEqual(suggestion.user_id, self.salesperson)
        self.assertNotIn("<script", suggestion.description)
        self.authenticate("portal_c2", "portal_c2")
        self.assertIn("Night deliveries", self._get("/my/vip/suggestions").text)

    def test_meetings_accept_decline(self):
        meeting = self._meeting(self.portal_c1.partner_id, self.portal_d1.partner_id)
        attendee_c1 = meeting.attendee_ids.filtered(
            lambda a: a.partner_id == self.portal_c1.partner_id
        )
        attendee_d1 = meeting.attendee_ids - attendee_c1
        invitation = meeting.calendar_event_id.attendee_ids.filtered(
            lambda a: a.partner_id == self.portal_c1.partner_id
        )
        self.assertTrue(invitation)
        self.authenticate("portal_c1", "portal_c1")
        page = self._get("/my/vip/meetings").text
        self.assertIn("Quality meeting", page)
        self.assertIn("Accept", page)
        csrf = CSRF_RE.search(page).group(1)
        url = f"/my/vip/meetings/{attendee_c1.id}"
        self._post(f"{url}/accept", {"csrf_token": "forged"}, status=303)
        self.assertEqual(invitation.state, "needsAction")
        self._post(f"{url}/accept", {"csrf_token": csrf}, status=303)
        self.assertEqual(invitation.state, "accepted")
        self.assertEqual(attendee_c1.state, "accepted")
        self._post(f"{url}/decline", {"csrf_token": csrf}, status=303)
        self.assertEqual(invitation.state, "declined")
        self.assertEqual(attendee_c1.state, "declined")
        self._post(f"{url}/maybe", {"csrf_token": csrf}, status=404)
        self._post(
            f"/my/vip/meetings/{attendee_d1.id}/accept",
            {"csrf_token": csrf},
            status=404,
        )
        # a colleague sees the customer's invitation but answers only its own
        self.authenticate("portal_c2", "portal_c2")
        page = self._get("/my/vip/meetings").text
        self.assertIn("Quality meeting", page)
        csrf = self._csrf("/my/vip/complaints/new")
        response = self._post(f"{url}/accept", {"csrf_token": csrf}, status=303)
        self.assertIn("notice=state", response.headers["Location"])
        self.assertEqual(attendee_c1.state, "declined")

    @mute_logger("odoo.http")
    def test_public_routes_need_login(self):
        for url in (
            "/my/vip/complaints",
            "/my/vip/promises",
            "/my/vip/suggestions",
            "/my/vip/meetings",
        ):
            with self.subTest(url=url):
                response = self._get(url, status=303)
                self.assertIn("/web/login", response.headers["Location"])

    # ------------------------------------------------------------------
    # browser
    # ------------------------------------------------------------------

    def test_portal_tour(self):
        self.start_tour(
            "/my/vip/complaints/new",
            "partner_vip_care_portal_tour",
            login="portal_c1",
        )
        complaint = self.env["vip.complaint"].search(
            [("subject", "=", "Portal tour: late delivery")]
        )
        self.assertEqual(complaint.channel, "portal")
        self.assertEqual(complaint.severity, "high")
        self.assertTrue(complaint.response_deadline)
