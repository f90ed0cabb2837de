"""The VIP customer's portal: the home counters, its tier page and the helpers
every resource page shares. The resources (complaints, promises, suggestions,
meetings) have their own files, each a class extending this one. Every portal
user whose commercial partner is the customer sees the customer's records; any
other record answers 404, whatever the id or token."""

from datetime import timedelta

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from . import portal_input

SEARCH_MAX = 100
DESCRIPTION_MAX = 20000
OPEN_STATES = ("new", "in_progress", "waiting")
# promises the customer heard: drafts and those awaiting approval are not made yet
PROMISE_STATES = ("open", "kept", "broken")
# messages shown after a redirect: keys only, never text taken from the URL
NOTICES = {
    "created": "success",
    "closed": "success",
    "reopened": "success",
    "supported": "success",
    "accepted": "success",
    "declined": "success",
    "suggested": "success",
    "csrf": "danger",
    "state": "danger",
}


class VipCustomerPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _vip_customer(self):
        """The commercial partner the current portal user acts for."""
        return request.env.user.partner_id.commercial_partner_id

    def _vip_notice(self, key):
        texts = {
            "created": request.env._(
                "Thank you: your complaint is registered, we answer before the "
                "response deadline shown below."
            ),
            "closed": request.env._("Thank you: the complaint is closed."),
            "reopened": request.env._(
                "The complaint is reopened: we are working on it again."
            ),
            "supported": request.env._("Thank you: your support is recorded."),
            "accepted": request.env._("You accepted the invitation."),
            "declined": request.env._("You declined the invitation."),
            "suggested": request.env._(
                "Thank you: your suggestion is registered, we will tell you what "
                "becomes of it."
            ),
            "csrf": request.env._(
                "Your session expired or the form was not sent from this page: "
                "please try again."
            ),
            "state": request.env._("This action is no longer possible."),
        }
        if key not in NOTICES:
            return {}
        return {"notice": texts[key], "notice_type": NOTICES[key]}

    def _vip_csrf_ok(self, post):
        return request.validate_csrf(post.get("csrf_token") or "")

    def _vip_check_id(self, record_id):
        """The id of a URL, or 404 when no record can have it."""
        record_id = portal_input.parse_id(record_id)
        if not record_id:
            raise NotFound()
        return record_id

    def _vip_text_errors(self, label, value, max_len, required=None):
        """Translated errors of a text field: missing, too long, NUL characters."""
        if not value:
            return [required] if required else []
        if not portal_input.storable(value):
            return [
                request.env._(
                    "%(field)s: remove the invisible control characters it contains.",
                    field=label,
                )
            ]
        if len(value) > max_len:
            return [
                request.env._(
                    "%(field)s: at most %(max)s characters.", field=label, max=max_len
                )
            ]
        return []

    def _vip_recent_count(self, model, domain):
        customer = self._vip_customer()
        # sudo: counted over all the customer's portal users, in the database
        return (
            request.env[model]
            .sudo()
            .search_count(
                Domain(domain)
                & Domain("commercial_partner_id", "=", customer.id)
                & Domain(
                    "create_date", ">=", fields.Datetime.now() - timedelta(hours=1)
                )
            )
        )

    def _vip_rate_limit(self, param, default):
        # sudo: a system parameter, read to apply it
        raw = (request.env["ir.config_parameter"].sudo().get_param(param) or "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() else default

    def _vip_complaint_domain(self):
        return [("commercial_partner_id", "=", self._vip_customer().id)]

    def _vip_promise_domain(self):
        return [
            ("partner_id", "=", self._vip_customer().id),
            ("state", "in", PROMISE_STATES),
        ]

    def _vip_suggestion_domain(self):
        """The customer's own suggestions: those it raised and those it supports.
        Other customers' ideas, their decisions and notes are theirs."""
        customer = self._vip_customer()
        return Domain("commercial_partner_id", "=", customer.id) | Domain(
            "supporter_ids", "in", customer.ids
        )

    def _vip_attendee_domain(self):
        return [
            ("commercial_partner_id", "=", self._vip_customer().id),
            ("meeting_id.state", "in", ("planned", "held", "closed")),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if request.env.user._is_public():
            return values
        if "vip_complaint_count" in counters:
            values["vip_complaint_count"] = request.env["vip.complaint"].search_count(
                self._vip_complaint_domain() + [("state", "in", OPEN_STATES)]
            )
        # sudo: the customer's own promises, suggestions and invitations (portal
        # users have no access rights on them), counted with its domain
        if "vip_promise_count" in counters:
            values["vip_promise_count"] = (
                request.env["vip.promise"]
                .sudo()
                .search_count(self._vip_promise_domain())
            )
        if "vip_suggestion_count" in counters:
            values["vip_suggestion_count"] = (
                request.env["vip.suggestion"]
                .sudo()
                .search_count(self._vip_suggestion_domain())
            )
        if "vip_meeting_count" in counters:
            values["vip_meeting_count"] = (
                request.env["vip.meeting.attendee"]
                .sudo()
                .search_count(
                    self._vip_attendee_domain() + [("meeting_id.state", "=", "planned")]
                )
            )
        return values

    # ------------------------------------------------------------------
    # tier page
    # ------------------------------------------------------------------

    @http.route("/my/vip", type="http", auth="user", website=True, readonly=True)
    def portal_my_vip(self, **kw):
        values = self._prepare_portal_layout_values()
        # sudo: the customer's own tier figures and its account manager's contact
        customer = self._vip_customer().sudo()
        status = customer._vip_portal_tier_status()
        values.update(
            status,
            page_name="vip",
            account_manager=customer.user_id,
            next_visit=customer.vip_next_visit_date,
            pending_surveys=self._vip_pending_surveys(customer),
        )
        return request.render("partner_vip_care.portal_my_vip", values)

    def _vip_pending_surveys(self, customer):
        """Satisfaction surveys of running campaigns the customer has not answered."""
        # sudo: the customer's own invitations, found by its commercial partner
        return (
            request.env["vip.survey.participant"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", customer.id),
                    ("campaign_id.state", "=", "running"),
                    ("user_input_id", "!=", False),
                    ("user_input_id.state", "!=", "done"),
                ]
            )
        )
