"""The VIP customer's portal: the home counters, its tier page and the helpers
every resource page shares. The resources (complaints, promises, suggestions,
meetings) have their own files, each a class extending this one. Every portal
user whose commercial partner is the customer sees the customer's records; any
other record answers 404, whatever the id or token."""

from datetime import timedelta

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.partner_vip_care.models.res_partner_complaint import (
    VIP_COMPLAINT_OPEN_STATES,
)
from odoo.addons.partner_vip_care.models.vip_meeting import (
    PORTAL_STATES as MEETING_PORTAL_STATES,
)
from odoo.addons.partner_vip_care.models.vip_promise import (
    PORTAL_STATES as PROMISE_PORTAL_STATES,
)
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from . import portal_input

SEARCH_MAX = 100
DESCRIPTION_MAX = 20000
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
    "reason": "danger",
}


class VipCustomerPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _vip_customer(self):
        """The commercial partner the current portal user acts for."""
        return request.env.user.partner_id.commercial_partner_id

    def _vip_tz(self, record=None):
        """The time zone the visitor reads moments in: the user's own, else the
        customer's (its record's, e.g. a complaint opened from a mail link),
        else its company's working hours'."""
        user = request.env.user
        if not user._is_public() and user.tz:
            return user.tz
        if record is not None and hasattr(record, "_vip_customer_tz"):
            return record._vip_customer_tz()
        # sudo: the customer's and its company's time zone
        customer = self._vip_customer().sudo()
        company = customer.company_id or request.env.company
        return customer.tz or company._vip_tz()

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["vip_tz"] = self._vip_tz()
        return values

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
            "reason": request.env._(
                "Tell us what is still wrong: the reason is needed to reopen the "
                "complaint."
            ),
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

    def _vip_record_or_404(self, model, record_id, domain=None, access_token=None):
        """The record of this customer, in sudo, or 404 whatever the id or token.
        With ``domain`` (the customer's own records, built on the server): the
        record is searched within it. Without: Odoo's portal check, i.e. a portal
        user of its customer (record rule), an internal user who may read it, or
        anyone with its access token (links in e-mails)."""
        record_id = self._vip_check_id(record_id)
        if domain is None:
            try:
                return self._document_check_access(
                    model, record_id, portal_input.token(access_token)
                )
            except (AccessError, MissingError):
                raise NotFound() from None
        # sudo: portal users have no rights on these models; the domain keeps
        # the customer's own records
        record = (
            request.env[model]
            .sudo()
            .search(Domain(domain) & Domain("id", "=", record_id), limit=1)
        )
        if not record:
            raise NotFound()
        return record

    def _vip_action_notice(self, post, allowed, action):
        """The notice of a portal action (a form's POST): "csrf" for a stale
        form, "state" when the record no longer allows it, else ``action()``'s."""
        if not self._vip_csrf_ok(post):
            return "csrf"
        if not allowed:
            return "state"
        return action()

    def _vip_list_values(self, records, url, page, order, **options):
        """Values of a list page: the records (``records`` searched with the
        ``domain`` option), the pager and, when given, sortings, filters and
        search. Options: domain, sortings and sortby, filters and filterby (both
        keys already checked against their dict), search and search_fields."""
        domain = Domain(options.get("domain") or Domain.TRUE)
        url_args = {}
        values = {}
        if options.get("sortings"):
            sortby = options["sortby"]
            order = options["sortings"][sortby]["order"]
            url_args["sortby"] = sortby
            values.update(searchbar_sortings=options["sortings"], sortby=sortby)
        if options.get("filters"):
            filterby = options["filterby"]
            domain &= Domain(options["filters"][filterby]["domain"])
            url_args["filterby"] = filterby
            values.update(searchbar_filters=options["filters"], filterby=filterby)
        if "search" in options:
            search = options["search"]
            if search:
                domain &= Domain.OR(
                    Domain(name, "ilike", search) for name in options["search_fields"]
                )
            url_args["search"] = search
            values.update(
                search=search,
                searchbar_inputs={
                    "all": {"input": "all", "label": request.env._("Search")}
                },
                search_in="all",
            )
        if url_args:
            values["default_url"] = url
        pager = portal_pager(
            url=url,
            url_args=url_args or None,
            total=records.search_count(domain),
            page=portal_input.parse_page(page),
            step=self._items_per_page,
        )
        values.update(
            pager=pager,
            records=records.search(
                domain, order=order, limit=self._items_per_page, offset=pager["offset"]
            ),
        )
        return values

    def _vip_form(self, post, keys):
        """The form's text values as sent (to show it again), "" for others."""
        return {
            key: post.get(key) if isinstance(post.get(key), str) else "" for key in keys
        }

    def _vip_selection(self, model, field):
        """The (value, label) choices of a selection field, translated."""
        return request.env[model]._fields[field]._description_selection(request.env)

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

    def _vip_rate_reached(self, model, domain, param, default):
        """How many records the customer sent in the last hour when that reaches
        its hourly allowance (system parameter ``param``), else 0."""
        customer = self._vip_customer()
        # sudo: counted over all the customer's portal users, in the database
        recent = (
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
        # sudo: a system parameter, read to apply it
        raw = (request.env["ir.config_parameter"].sudo().get_param(param) or "").strip()
        limit = int(raw) if raw.isascii() and raw.isdigit() else default
        return recent if recent >= limit else 0

    def _vip_complaint_domain(self):
        return [("commercial_partner_id", "=", self._vip_customer().id)]

    def _vip_promise_domain(self):
        return [
            ("partner_id", "=", self._vip_customer().id),
            ("state", "in", PROMISE_PORTAL_STATES),
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
            ("meeting_id.state", "in", MEETING_PORTAL_STATES),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if request.env.user._is_public():
            return values
        # complaints through the record rules; sudo: the customer's own promises,
        # suggestions and invitations (portal users have no access rights on
        # them), counted with its domain
        counted = {
            "vip_complaint_count": (
                request.env["vip.complaint"],
                Domain(self._vip_complaint_domain())
                & Domain("state", "in", VIP_COMPLAINT_OPEN_STATES),
            ),
            "vip_promise_count": (
                request.env["vip.promise"].sudo(),
                self._vip_promise_domain(),
            ),
            "vip_suggestion_count": (
                request.env["vip.suggestion"].sudo(),
                self._vip_suggestion_domain(),
            ),
            "vip_meeting_count": (
                request.env["vip.meeting.attendee"].sudo(),
                Domain(self._vip_attendee_domain())
                & Domain("meeting_id.state", "=", "planned"),
            ),
        }
        for key, (records, domain) in counted.items():
            if key in counters:
                values[key] = records.search_count(domain)
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
            loyalty_cards=customer._vip_loyalty_cards(),
            own_partner=request.env.user.partner_id,
            benefit_lines=customer._vip_benefit_status_lines(),
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
