"""The portal side doors of issue 21, tried over real HTTP as the customer's
portal user: internal fields and notes through JSON-RPC, other customers'
suggestions, forged authors and dates, hostile input on every route."""

import json
import re
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.partner_vip_care.controllers import portal_suggestion as portal_module

from .common_rpc import VipRpcCase

CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
HUGE_ID = 2**31 + 5


@tagged("post_install", "-at_install", "vip_security", "vip_portal")
class TestTrustPortal(VipRpcCase):
    # the portal user's own calls, as its browser would make them
    forged_context = {}
    refused_error = "Error"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.silver = env.ref("partner_vip_care.vip_tier_silver")
        cls.gold = env.ref("partner_vip_care.vip_tier_gold")
        cls.salesperson = new_test_user(
            env,
            login="trust_sales",
            groups="base.group_user,base.group_partner_manager,"
            "partner_vip_care.group_vip_user",
        )
        cls.manager = new_test_user(
            env,
            login="trust_manager",
            groups="base.group_user,base.group_partner_manager,"
            "partner_vip_care.group_vip_manager",
        )
        cls.internal = new_test_user(
            env, login="trust_internal", groups="base.group_user"
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "Cathay Ceramics",
                "is_company": True,
                "user_id": cls.salesperson.id,
                "vip_tier_id": cls.silver.id,
                "vip_tier_locked": True,
                "vip_lock_reason": "Strategic: CEO's friend",
            }
        )
        cls.other = env["res.partner"].create(
            {"name": "Delta Dairies", "is_company": True}
        )
        cls.portal = cls._portal_user("trust_portal", cls.customer)
        cls.portal_other = cls._portal_user("trust_portal_other", cls.other)
        cls.portal_colleague = cls._portal_user("trust_colleague", cls.customer)
        received = datetime.now() - timedelta(days=20)
        with freeze_time(received):
            cls.complaint = env["vip.complaint"].create(
                {
                    "subject": "Cracked vases",
                    "partner_id": cls.portal.partner_id.id,
                    "user_id": cls.salesperson.id,
                    "root_cause": "Packing line 3",
                }
            )
            cls.cancelled = env["vip.complaint"].create(
                {"subject": "Again?", "partner_id": cls.portal.partner_id.id}
            )
        # the module's notes, as the module writes them
        env["vip.complaint"]._cron_check_sla()  # escalation notes
        cls.cancelled.with_user(cls.manager).action_cancel(
            reason="serial complainer, ignore"
        )
        cls.complaint.with_user(cls.salesperson).action_acknowledge()
        cls.customer.with_user(cls.manager).write({"vip_tier_id": cls.gold.id})
        cls.customer._message_log(body="Tier note: revenue 123,456")

    @classmethod
    def _portal_user(cls, login, company):
        user = new_test_user(
            cls.env,
            login=login,
            email=f"{login}@customer.example.com",
            groups="base.group_portal",
        )
        user.partner_id.parent_id = company
        return user

    def _internal_notes(self):
        return self.env["mail.message"].search(
            [
                ("model", "in", ("vip.complaint", "res.partner")),
                (
                    "res_id",
                    "in",
                    (*self.complaint.ids, *self.cancelled.ids, *self.customer.ids),
                ),
                "|",
                ("is_internal", "=", True),
                ("subtype_id.internal", "=", True),
            ]
        )

    # ------------------------------------------------------------------
    # door 7a: internal fields
    # ------------------------------------------------------------------

    def test_portal_reads_no_internal_partner_field(self):
        for fname in (
            "vip_lock_reason",
            "vip_estimated_potential",
            "vip_health_score",
            "vip_health_factors",
            "vip_health_reasons",
            "vip_lifecycle_stage",
            "vip_pareto_class",
            "vip_revenue",
            "vip_evaluated_on",
            "vip_tier_id",
        ):
            with self.subTest(field=fname):
                self.assertRefused(
                    self.portal,
                    "res.partner",
                    "read",
                    [self.customer.id],
                    [fname],
                    error="AccessError",
                )
        readable = self._call(self.portal, "res.partner", "fields_get")
        self.assertFalse([f for f in readable if f.startswith("vip_")])
        self.assertIn("name", readable)
        # every employee still reads them and opens the partner views
        values = self._call(
            self.internal,
            "res.partner",
            "read",
            [self.customer.id],
            ["vip_lock_reason", "vip_tier_id", "vip_health_score"],
        )
        self.assertEqual(values[0]["vip_lock_reason"], "Strategic: CEO's friend")
        views = self._call(
            self.internal,
            "res.partner",
            "get_views",
            [[False, "form"], [False, "list"], [False, "kanban"]],
        )
        form_fields = views["models"]["res.partner"]["fields"]
        self.assertIn("vip_tier_id", form_fields)
        self._call(
            self.internal,
            "res.partner",
            "web_read",
            [self.customer.id],
            specification={name: {} for name in form_fields if name.startswith("vip_")},
        )

    def test_portal_reads_no_internal_complaint_field(self):
        readable = self._call(self.portal, "vip.complaint", "fields_get")
        names = [f for f in readable if not f.startswith("activity_")]
        values = self._call(
            self.portal, "vip.complaint", "read", [self.complaint.id], names
        )[0]
        self.assertEqual(values["subject"], "Cracked vases")
        for fname in (
            "root_cause",
            "escalation_level",
            "sla_policy_id",
            "tier_id",
            "cancel_reason",
            "promise_ids",
        ):
            self.assertNotIn(fname, values)
        self.assertRefused(
            self.portal,
            "vip.complaint",
            "read",
            [self.cancelled.id],
            ["cancel_reason"],
            error="AccessError",
        )
        tier = self._call(
            self.portal,
            "vip.tier",
            "read",
            [self.gold.id],
            list(self._call(self.portal, "vip.tier", "fields_get")),
        )[0]
        self.assertEqual(tier["name"], "Gold")
        self.assertNotIn("promise_limit", tier)
        self.assertNotIn("qualify_amount", tier)
        # the complaint views load for the service desk
        views = self._call(
            self.salesperson, "vip.complaint", "get_views", [[False, "form"]]
        )
        self.assertIn("root_cause", views["models"]["vip.complaint"]["fields"])

    # ------------------------------------------------------------------
    # door 7b: internal notes
    # ------------------------------------------------------------------

    def test_module_notes_are_internal(self):
        notes = self._internal_notes()
        bodies = " ".join(notes.mapped("body"))
        for secret in ("serial complainer", "Tier note", "Complaint acknowledged"):
            self.assertIn(secret, bodies, "the note exists, internal")
        self.assertTrue(
            notes.filtered(lambda m: m.message_type == "notification"),
            "notes logged as notifications are among them",
        )

    def test_portal_cannot_read_notes_by_search(self):
        messages = self._call(
            self.portal,
            "mail.message",
            "search_read",
            [("model", "in", ("vip.complaint", "res.partner"))],
            ["body", "model", "res_id"],
        )
        text = json.dumps(messages)
        for secret in ("serial complainer", "Tier note", "acknowledged"):
            self.assertNotIn(secret, text)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_portal_cannot_read_notes_by_id(self):
        notes = self._internal_notes()
        self.assertGreaterEqual(len(notes), 4)
        for note in notes:
            with self.subTest(message=note.id, model=note.model):
                self.assertRefused(
                    self.portal,
                    "mail.message",
                    "read",
                    [note.id],
                    ["body"],
                    error="AccessError",
                )
        # the thread route lists the public messages only
        result = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {"thread_model": "vip.complaint", "thread_id": self.complaint.id},
        )
        self.assertFalse(set(result["messages"]) & set(notes.ids))
        # the customer's own message stays readable
        message = self.complaint.with_user(self.portal).message_post(
            body="Any news?", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        values = self._call(self.portal, "mail.message", "read", [message.id], ["body"])
        self.assertIn("Any news?", values[0]["body"])
        # employees read the notes
        self._call(self.internal, "mail.message", "read", notes[:1].ids, ["body"])

    # ------------------------------------------------------------------
    # door 7c: suggestions of other customers
    # ------------------------------------------------------------------

    def test_suggestions_list_own_only(self):
        Suggestion = self.env["vip.suggestion"]
        meeting = self.env["vip.meeting"].create(
            {
                "name": "Quality meeting",
                "start": datetime.now() + timedelta(days=5),
                "stop": datetime.now() + timedelta(days=5, hours=2),
                "user_id": self.salesperson.id,
                "attendee_ids": [
                    Command.create({"partner_id": p.id})
                    for p in (self.portal.partner_id, self.portal_other.partner_id)
                ],
            }
        )
        own = Suggestion.create(
            {"name": "Bilingual invoices", "partner_id": self.customer.id}
        )
        theirs = Suggestion.create(
            {
                "name": "Shared pallets",
                "partner_id": self.other.id,
                "meeting_id": meeting.id,
            }
        )
        theirs._vip_workflow_write(
            {"state": "rejected", "decision_note": "Delta's volumes are too low"}
        )
        self.authenticate("trust_portal", "trust_portal")
        page = self.url_open("/my/vip/suggestions").text
        self.assertIn(own.name, page)
        self.assertNotIn("Shared pallets", page)
        self.assertNotIn("volumes are too low", page)
        # no RPC right on suggestions at all
        self.assertRefused(
            self.portal, "vip.suggestion", "read", [theirs.id], error="AccessError"
        )
        self.assertRefused(
            self.portal, "vip.suggestion", "search_read", [], error="AccessError"
        )

    # ------------------------------------------------------------------
    # posting: author, sender and date are the server's
    # ------------------------------------------------------------------

    def test_portal_cannot_forge_author_sender_or_date(self):
        forged = {
            "author_id": self.portal_colleague.partner_id.id,
            "email_from": "boss@vip.example.com",
            "date": "2000-01-01 00:00:00",
        }
        for key, value in forged.items():
            with self.subTest(rpc=key):
                self.assertRefused(
                    self.portal,
                    "vip.complaint",
                    "message_post",
                    [self.complaint.id],
                    # an author the user may not read is refused before
                    error="UserError" if key != "author_id" else "Error",
                    body=f"forged {key}",
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    **{key: value},
                )
        self.assertRefused(
            self.portal,
            "vip.complaint",
            "message_notify",
            [self.complaint.id],
            body="forged notify",
            partner_ids=self.portal.partner_id.ids,
            author_id=self.salesperson.partner_id.id,
        )
        self.assertFalse(
            self.complaint.message_ids.filtered(lambda m: "forged" in (m.body or ""))
        )
        # an honest RPC post is the user's, now
        message_id = self._call(
            self.portal,
            "vip.complaint",
            "message_post",
            [self.complaint.id],
            body="honest",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        message = self.env["mail.message"].browse(message_id)
        self.assertEqual(message.author_id, self.portal.partner_id)
        self.assertGreater(message.date, datetime.now() - timedelta(minutes=5))
        # the portal composer route ignores the forged values
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "vip.complaint",
                "thread_id": self.complaint.id,
                "post_data": {
                    "body": "through the composer",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                    **forged,
                },
            },
        )
        message = self.complaint.message_ids.filtered(
            lambda m: "through the composer" in (m.body or "")
        )
        self.assertEqual(message.author_id, self.portal.partner_id)
        self.assertNotIn("boss@", message.email_from or "")
        self.assertGreater(message.date, datetime.now() - timedelta(minutes=5))

    # ------------------------------------------------------------------
    # door 8: hostile input on every route
    # ------------------------------------------------------------------

    def _csrf(self):
        page = self.url_open("/my/vip/complaints/new").text
        return CSRF_RE.search(page).group(1)

    @mute_logger("odoo.http")
    def test_hostile_get_routes(self):
        self.authenticate("trust_portal", "trust_portal")
        url_c = f"/my/vip/complaints/{self.complaint.id}"
        cases = [
            ("/my/vip?x=%00", 200, None),
            ("/my/vip/complaints?search=%00", 200, "invisible control characters"),
            ("/my/vip/complaints?search=a%00b&page=%C2%B2", 200, None),
            ("/my/vip/complaints?page=abc&sortby=xyz&filterby=%00", 200, None),
            ("/my/vip/complaints?page=-1", 200, None),
            (f"/my/vip/complaints?page={HUGE_ID}", 200, None),
            (f"/my/vip/complaints/page/{HUGE_ID}", 200, None),
            ("/my/vip/complaints?search=" + "x" * 5000, 200, None),
            (f"/my/vip/complaints/{HUGE_ID}", 404, None),
            (f"/my/vip/complaints/{10**30}", 404, None),
            (f"{url_c}?access_token=%C2%B2", 200, "Cracked vases"),
            (f"{url_c}?access_token=%00", 200, "Cracked vases"),
            (f"{url_c}?notice=%00", 200, None),
            ("/my/vip/complaints/new?category_id=%C2%B2", 200, None),
            ("/my/vip/promises?page=%C2%B2", 200, None),
            ("/my/vip/promises/page/99999999999", 200, None),
            ("/my/vip/suggestions?page=%00&notice=%00", 200, None),
            ("/my/vip/suggestions/new?name=%00", 200, None),
            ("/my/vip/meetings?page=abc", 200, None),
        ]
        for url, status, message in cases:
            with self.subTest(url=url[:80]):
                response = self.url_open(url, allow_redirects=False)
                self.assertEqual(response.status_code, status)
                if message:
                    self.assertIn(message, response.text)
        # without a login, a token that cannot be one finds nothing
        self.logout()
        for token in ("%C2%B2", "%00", "x" * 5000):
            response = self.url_open(f"{url_c}?access_token={token}")
            self.assertEqual(response.status_code, 404)

    @mute_logger("odoo.http")
    def test_hostile_posts(self):
        category = self.env["vip.complaint.category"].create({"name": "Breakage"})
        self.authenticate("trust_portal", "trust_portal")
        csrf = self._csrf()
        complaint = {"subject": "Broken lids", "description": "Half of them."}
        suggestion = {"name": "Night deliveries", "category": "delivery"}
        url_c = f"/my/vip/complaints/{self.complaint.id}"
        cases = [
            (
                "/my/vip/complaints/new",
                {**complaint, "subject": "a\x00b"},
                400,
                "Subject: remove the invisible",
            ),
            (
                "/my/vip/complaints/new",
                {**complaint, "description": "\x00"},
                400,
                "Description: remove the invisible",
            ),
            (
                "/my/vip/complaints/new",
                {**complaint, "description": "y" * 2**20},
                400,
                "Description: at most",
            ),
            (
                "/my/vip/complaints/new",
                {**complaint, "category_id": "²"},
                400,
                "Category: choose one of the listed",
            ),
            (
                "/my/vip/complaints/new",
                {**complaint, "category_id": "٣"},
                400,
                "Category: choose one of the listed",
            ),
            (
                "/my/vip/complaints/new",
                {**complaint, "category_id": str(10**30)},
                400,
                "Category: choose one of the listed",
            ),
            (
                "/my/vip/complaints/new",
                {**complaint, "category_id": "-1"},
                400,
                "Category: choose one of the listed",
            ),
            (
                "/my/vip/complaints/new",
                {**complaint, "category_id": f" {category.id}\x00"},
                400,
                "Category: choose one of the listed",
            ),
            (
                "/my/vip/complaints/new",
                {**complaint, "severity": "\x00"},
                400,
                "Severity: choose one of",
            ),
            (
                "/my/vip/complaints/new",
                {**complaint, "severity": "apocalyptic"},
                400,
                "Severity: choose one of",
            ),
            (f"/my/vip/complaints/{HUGE_ID}/confirm", {}, 404, None),
            (f"/my/vip/complaints/{HUGE_ID}/reopen", {}, 404, None),
            (f"{url_c}/confirm?access_token=%C2%B2", {}, 303, None),
            (
                "/my/vip/suggestions/new",
                {**suggestion, "name": "x\x00"},
                400,
                "Title: remove the invisible",
            ),
            (
                "/my/vip/suggestions/new",
                {**suggestion, "description": "\x00"},
                400,
                "Description: remove the invisible",
            ),
            (
                "/my/vip/suggestions/new",
                {**suggestion, "name": "n" * 2**20},
                400,
                "Title: at most",
            ),
            (
                "/my/vip/suggestions/new",
                {**suggestion, "category": "\x00"},
                400,
                "Category: choose one of",
            ),
            (f"/my/vip/suggestions/{HUGE_ID}/support", {}, 404, None),
            (f"/my/vip/meetings/{HUGE_ID}/accept", {}, 404, None),
        ]
        before = (
            self.env["vip.complaint"].search_count([]),
            self.env["vip.suggestion"].search_count([]),
        )
        for url, data, status, message in cases:
            with self.subTest(url=url, data=sorted(data)):
                response = self.url_open(
                    url, data={"csrf_token": csrf, **data}, allow_redirects=False
                )
                self.assertEqual(response.status_code, status)
                if message:
                    self.assertIn(message, response.text)
        self.assertEqual(
            (
                self.env["vip.complaint"].search_count([]),
                self.env["vip.suggestion"].search_count([]),
            ),
            before,
            "nothing created from hostile input",
        )

    def test_suggestion_rate_limit(self):
        self.env["ir.config_parameter"].set_param(
            portal_module.SUGGESTION_RATE_LIMIT_PARAM, "2"
        )
        colleague = self.portal_colleague

        def submit(login, name):
            self.authenticate(login, login)
            return self.url_open(
                "/my/vip/suggestions/new",
                data={"csrf_token": self._csrf(), "name": name, "category": "other"},
                allow_redirects=False,
            )

        self.assertEqual(submit("trust_portal", "First idea").status_code, 303)
        self.assertEqual(submit(colleague.login, "Second idea").status_code, 303)
        response = submit("trust_portal", "Third idea")
        self.assertEqual(response.status_code, 400)
        self.assertIn("suggestions in the last hour", response.text)
        self.assertFalse(
            self.env["vip.suggestion"].search([("name", "=", "Third idea")])
        )
        # another customer has its own allowance; an hour later it is renewed
        self.assertEqual(
            submit("trust_portal_other", "Other customer's").status_code, 303
        )
        with freeze_time(fields.Datetime.now() + timedelta(hours=1, minutes=1)):
            self.assertEqual(submit("trust_portal", "Next hour").status_code, 303)
