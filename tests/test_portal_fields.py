"""Generated check (issue 21, 10b): every field a portal user can read on the
module's models and on the module's fields of other models (``res.partner``
first) is on the allow-list below. A field added later without ``groups=``
fails here until someone decides, in this file, that customers may read it."""

from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

MODULE = "partner_vip_care"
# Odoo's own fields of the mixins the module's models inherit
MAIL_THREAD = {
    "has_message",
    "message_has_error",
    "message_has_error_counter",
    "message_has_sms_error",
    "message_ids",
    "message_is_follower",
    "message_needaction",
    "message_needaction_counter",
    "website_message_ids",
}
ACTIVITY_ICONS = {
    "activity_exception_decoration",
    "activity_exception_icon",
    "activity_type_icon",
}
LOG = {"id", "display_name", "create_date", "create_uid", "write_date", "write_uid"}
# What a portal user may read. Models of the module: every field. Models of
# other modules: the fields the module adds to them.
ALLOWED = {
    "vip.complaint": LOG
    | MAIL_THREAD
    | ACTIVITY_ICONS
    | {
        # portal.mixin, rating.mixin
        "access_token",
        "access_url",
        "access_warning",
        "rating_count",
        "rating_percentage_satisfaction",
        # what the customer told us and what we show it
        "name",
        "subject",
        "description",
        "partner_id",
        "commercial_partner_id",
        "contact_name",
        "email_from",
        "phone",
        "channel",
        "category_id",
        "severity",
        "user_id",
        "company_id",
        "parent_id",
        "followup_ids",
        "state",
        "received_on",
        "response_deadline",
        "resolution_deadline",
        "next_deadline",
        "responded_on",
        "resolved_on",
        "closed_on",
        "reopen_count",
        "resolution",
        "portal_paused",
        # ordering and list decorations need them readable (``_order``, views)
        "priority",
        "response_sla_state",
        "resolution_sla_state",
    },
    "vip.complaint.category": LOG
    | {"name", "sequence", "description", "color", "active", "company_id"},
    "vip.tier": LOG
    | {"name", "level", "color", "active", "company_id", "currency_id", "benefits"},
    # Odoo's own phone_sanitized, re-declared by the module for its index
    "res.partner": {"phone_sanitized"},
    "res.users": {"phone_sanitized"},
}


@tagged("post_install", "-at_install", "vip_security", "vip_portal")
class TestPortalFields(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        salesperson = new_test_user(
            env,
            login="fields_sales",
            groups="base.group_user,partner_vip_care.group_vip_manager",
        )
        cls.customer = env["res.partner"].create(
            {
                "name": "Cathay Ceramics",
                "is_company": True,
                "user_id": salesperson.id,
                "vip_tier_id": env.ref("partner_vip_care.vip_tier_gold").id,
            }
        )
        cls.portal = new_test_user(
            env, login="fields_portal", groups="base.group_portal"
        )
        cls.portal.partner_id.parent_id = cls.customer
        contact = cls.portal.partner_id
        complaint = env["vip.complaint"].create(
            {"subject": "Cracked vases", "partner_id": contact.id}
        )
        env["vip.promise"].create(
            {
                "partner_id": cls.customer.id,
                "description": "Express shipping",
                "value": 100,
                "deadline": fields.Date.today() + timedelta(days=5),
                "complaint_id": complaint.id,
            }
        )
        meeting = env["vip.meeting"].create(
            {
                "name": "Quality meeting",
                "start": datetime.now() + timedelta(days=5),
                "stop": datetime.now() + timedelta(days=5, hours=2),
                "user_id": salesperson.id,
                "attendee_ids": [Command.create({"partner_id": contact.id})],
            }
        )
        env["vip.suggestion"].create(
            {"name": "Pallets", "partner_id": contact.id, "meeting_id": meeting.id}
        )
        env["vip.visit"].create(
            {"partner_id": cls.customer.id, "user_id": salesperson.id}
        )

    def _scope(self):
        """{model: fields to check or None for all}: the module's models and
        the fields the module adds to other models."""
        scope = {
            name: None
            for name, model in self.env.registry.items()
            if model._original_module == MODULE and not model._abstract
        }
        data = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.model.fields")]
        )
        for field in self.env["ir.model.fields"].browse(data.mapped("res_id")):
            if self.env[field.model]._abstract or scope.get(field.model, ()) is None:
                continue
            scope.setdefault(field.model, set()).add(field.name)
        return scope

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_portal_reads_only_allowed_fields(self):
        self.authenticate("fields_portal", "fields_portal")
        scope = self._scope()
        self.assertIn("res.partner", scope)
        self.assertIn("vip.complaint", scope)
        unexpected = {}
        for model, checked in sorted(scope.items()):
            with self.subTest(model=model):
                sample = self.env[model].sudo().search([], limit=3)
                try:
                    ids = self._call(model, "search", [], limit=3)
                except JsonRpcException as error:
                    # no right on the model: not a single record, not a field
                    self.assertIn("AccessError", error.args[0])
                    if sample:
                        with self.assertRaises(JsonRpcException):
                            self._call(model, "read", sample[:1].ids)
                    continue
                readable = set(self._call(model, "fields_get", attributes=["type"]))
                if checked is not None:
                    # Odoo's own fields of the model are Odoo's business
                    readable &= checked - LOG
                if model == "res.partner":
                    ids = self.customer.ids
                # the fields read back on sample records are those fields_get
                # gives (Odoo's activity icons read activities: left out)
                names = sorted(readable - ACTIVITY_ICONS)
                if ids and names:
                    for values in self._call(model, "read", ids, names):
                        self.assertEqual(set(values) - {"id"}, set(names) - {"id"})
                extra = readable - ALLOWED.get(model, set())
                if extra:
                    unexpected[model] = sorted(extra)
        self.assertFalse(
            unexpected,
            "portal users read fields that are not on the allow-list: give them "
            "groups= or add them to ALLOWED",
        )

    def test_allow_list_is_not_stale(self):
        """Each allowed field exists (a renamed field leaves no hole here)."""
        for model, names in ALLOWED.items():
            missing = names - set(self.env[model]._fields)
            self.assertFalse(missing, f"{model}: {sorted(missing)}")
