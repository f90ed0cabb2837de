"""The VIP customer's portal: its tier, its complaints (with deadlines, thread and
a form for new ones), the promises made to it, its suggestions and its meeting
invitations. Every portal user whose commercial partner is the customer sees the
customer's records; any other record answers 404, whatever the id or token."""

import base64
import logging
from datetime import timedelta

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.fields import Domain
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from . import portal_input

_logger = logging.getLogger(__name__)

SUBJECT_MAX = 200
DESCRIPTION_MAX = 20000
ATTACHMENT_MAX_COUNT = 5
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# complaints a customer may submit through the portal per hour (all its users)
RATE_LIMIT_PARAM = "partner_vip_care.portal_complaint_hourly_limit"
RATE_LIMIT_DEFAULT = 5
# suggestions a customer may submit through the portal per hour (all its users)
SUGGESTION_RATE_LIMIT_PARAM = "partner_vip_care.portal_suggestion_hourly_limit"
SUGGESTION_RATE_LIMIT_DEFAULT = 5
SEARCH_MAX = 100
SUGGESTION_TITLE_MAX = 200
OPEN_STATES = ("new", "in_progress", "waiting")
# promises the customer heard: drafts and those awaiting approval are not made yet
PROMISE_STATES = ("open", "kept", "broken")
SUGGESTION_OPEN_STATES = ("new", "review", "accepted")
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

    def _vip_supportable_domain(self):
        """Suggestions the customer may support ("Me too"): raised at a meeting
        it was invited to, by another customer, still open."""
        customer = self._vip_customer()
        # sudo: the meetings the customer was invited to, for the domain only
        meetings = (
            request.env["vip.meeting.attendee"]
            .sudo()
            .search([("commercial_partner_id", "=", customer.id)])
            .meeting_id
        )
        return (
            Domain("meeting_id", "in", meetings.ids)
            & Domain("commercial_partner_id", "!=", customer.id)
            & Domain("state", "in", SUGGESTION_OPEN_STATES)
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

    # ------------------------------------------------------------------
    # complaints
    # ------------------------------------------------------------------

    def _vip_complaint_sortings(self):
        return {
            "date": {
                "label": request.env._("Newest"),
                "order": "received_on desc, id desc",
            },
            "deadline": {
                "label": request.env._("Next deadline"),
                "order": "next_deadline, id",
            },
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, id desc"},
        }

    def _vip_complaint_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {
                "label": request.env._("Open"),
                "domain": [("state", "in", OPEN_STATES)],
            },
            "waiting": {
                "label": request.env._("Waiting for your answer"),
                "domain": [("state", "=", "waiting")],
            },
            "resolved": {
                "label": request.env._("Resolved"),
                "domain": [("state", "=", "resolved")],
            },
            "closed": {
                "label": request.env._("Closed"),
                "domain": [("state", "in", ("closed", "cancelled"))],
            },
        }

    @http.route(
        ["/my/vip/complaints", "/my/vip/complaints/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_vip_complaints(
        self, page=1, sortby=None, filterby=None, search=None, **kw
    ):
        values = self._prepare_portal_layout_values()
        page = portal_input.parse_page(page)
        Complaint = request.env["vip.complaint"]
        sortings = self._vip_complaint_sortings()
        filters = self._vip_complaint_filters()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        domain = Domain(self._vip_complaint_domain()) & Domain(
            filters[filterby]["domain"]
        )
        search = portal_input.text(search)[:SEARCH_MAX]
        if not portal_input.storable(search):
            search = ""
            values.update(
                notice=request.env._(
                    "Search: the text contained invisible control characters, "
                    "all complaints are shown."
                ),
                notice_type="danger",
            )
        if search:
            domain &= Domain("name", "ilike", search) | Domain(
                "subject", "ilike", search
            )
        total = Complaint.search_count(domain)
        pager = portal_pager(
            url="/my/vip/complaints",
            url_args={"sortby": sortby, "filterby": filterby, "search": search},
            total=total,
            page=page,
            step=self._items_per_page,
        )
        complaints = Complaint.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values.update(
            complaints=complaints,
            page_name="vip_complaints",
            default_url="/my/vip/complaints",
            pager=pager,
            searchbar_sortings=sortings,
            sortby=sortby,
            searchbar_filters=filters,
            filterby=filterby,
            search=search,
            searchbar_inputs={
                "all": {"input": "all", "label": request.env._("Search")}
            },
            search_in="all",
        )
        return request.render("partner_vip_care.portal_my_vip_complaints", values)

    def _vip_complaint_check_access(self, complaint_id, access_token=None):
        """The complaint, in sudo, if the user may see it: a portal user of its
        customer (record rule), an internal user who may read it, or anyone with
        its access token (links in e-mails). Anything else: 404."""
        complaint_id = self._vip_check_id(complaint_id)
        try:
            complaint_sudo = self._document_check_access(
                "vip.complaint", complaint_id, portal_input.token(access_token)
            )
        except (AccessError, MissingError):
            raise NotFound() from None
        return complaint_sudo

    @http.route(
        "/my/vip/complaints/<int:complaint_id>",
        type="http",
        auth="public",
        website=True,
        readonly=True,
    )
    def portal_my_vip_complaint(self, complaint_id, access_token=None, **kw):
        complaint_sudo = self._vip_complaint_check_access(complaint_id, access_token)
        access_token = portal_input.token(access_token)
        values = self._prepare_portal_layout_values()
        values.update(self._vip_notice(kw.get("notice")))
        values.update(complaint=complaint_sudo, page_name="vip_complaint")
        # no records pager here: it would write tokens on a read-only route
        values = self._get_page_view_values(
            complaint_sudo, access_token, values, None, False, **kw
        )
        if complaint_sudo.access_token:
            # the thread and its composer reach the complaint with its token
            values["token"] = complaint_sudo.access_token
        return request.render("partner_vip_care.portal_my_vip_complaint", values)

    def _vip_complaint_url(self, complaint, access_token=None, notice=None):
        url = f"/my/vip/complaints/{complaint.id}"
        params = []
        if access_token:
            params.append(f"access_token={access_token}")
        if notice:
            params.append(f"notice={notice}")
        return url + ("?" + "&".join(params) if params else "")

    def _vip_complaint_transition(self, complaint_id, access_token, post, action):
        complaint_sudo = self._vip_complaint_check_access(complaint_id, access_token)
        access_token = portal_input.token(access_token)
        if not self._vip_csrf_ok(post):
            notice = "csrf"
        elif complaint_sudo.state != "resolved":
            notice = "state"
        else:
            # sudo: the customer confirms or reopens its own resolved complaint
            # (access checked above); the action checks the state
            if action == "action_close":
                complaint_sudo.action_close()
                notice = "closed"
            else:
                complaint_sudo.action_reopen()
                notice = "reopened"
        return request.redirect(
            self._vip_complaint_url(complaint_sudo, access_token, notice)
        )

    @http.route(
        "/my/vip/complaints/<int:complaint_id>/confirm",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        csrf=False,  # checked below, to answer a stale form with a message
    )
    def portal_my_vip_complaint_confirm(self, complaint_id, access_token=None, **post):
        return self._vip_complaint_transition(
            complaint_id, access_token, post, "action_close"
        )

    @http.route(
        "/my/vip/complaints/<int:complaint_id>/reopen",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        csrf=False,  # checked below, to answer a stale form with a message
    )
    def portal_my_vip_complaint_reopen(self, complaint_id, access_token=None, **post):
        return self._vip_complaint_transition(
            complaint_id, access_token, post, "action_reopen"
        )

    def _vip_complaint_categories(self):
        customer = self._vip_customer()
        company = customer.company_id or request.env.company
        # sudo: the category names the customer picks from (company's or shared)
        return (
            request.env["vip.complaint.category"]
            .sudo()
            .search([("company_id", "in", (False, company.id))], order="sequence, id")
        )

    def _vip_complaint_form_values(self, form=None, errors=None):
        values = self._prepare_portal_layout_values()
        severities = request.env["vip.complaint"]._fields["severity"]
        values.update(
            page_name="vip_complaint_new",
            categories=self._vip_complaint_categories(),
            severities=severities._description_selection(request.env),
            form=form or {"severity": "normal"},
            errors=errors or [],
            subject_max=SUBJECT_MAX,
            description_max=DESCRIPTION_MAX,
            attachment_max_count=ATTACHMENT_MAX_COUNT,
            attachment_max_mb=ATTACHMENT_MAX_BYTES // (1024 * 1024),
        )
        return values

    @http.route(
        "/my/vip/complaints/new",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
        readonly=True,
    )
    def portal_my_vip_complaint_new(self, **kw):
        values = self._vip_complaint_form_values()
        return request.render("partner_vip_care.portal_my_vip_complaint_new", values)

    def _vip_rate_limit(self, param=RATE_LIMIT_PARAM, default=RATE_LIMIT_DEFAULT):
        # sudo: a system parameter, read to apply it
        raw = (request.env["ir.config_parameter"].sudo().get_param(param) or "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() else default

    def _vip_validate_complaint(self, post, files):
        """Errors (translated sentences naming the field and the rule) and the
        values of the complaint to create."""
        subject = portal_input.text(post.get("subject"))
        description = portal_input.text(post.get("description"))
        errors = self._vip_text_errors(
            request.env._("Subject"),
            subject,
            SUBJECT_MAX,
            request.env._("Subject: please say in a few words what went wrong."),
        )
        errors += self._vip_text_errors(
            request.env._("Description"),
            description,
            DESCRIPTION_MAX,
            request.env._(
                "Description: please describe what happened and what you expect."
            ),
        )
        severities = dict(
            request.env["vip.complaint"]
            ._fields["severity"]
            ._description_selection(request.env)
        )
        severity = portal_input.text(post.get("severity")) or "normal"
        if severity not in severities:
            errors.append(
                request.env._(
                    "Severity: choose one of %(choices)s.",
                    choices=", ".join(severities.values()),
                )
            )
        category = request.env["vip.complaint.category"]
        raw_category = portal_input.text(post.get("category_id"))
        if raw_category:
            categories = self._vip_complaint_categories()
            category_id = portal_input.parse_id(raw_category)
            if category_id not in categories.ids:
                errors.append(
                    request.env._("Category: choose one of the listed categories.")
                )
            else:
                category = categories.browse(category_id)
        files = [f for f in files if f and f.filename]
        attachments = []
        if len(files) > ATTACHMENT_MAX_COUNT:
            errors.append(
                request.env._(
                    "Attachments: at most %(count)s files.",
                    count=ATTACHMENT_MAX_COUNT,
                )
            )
        else:
            for upload in files:
                content = upload.read(ATTACHMENT_MAX_BYTES + 1)
                if len(content) > ATTACHMENT_MAX_BYTES:
                    errors.append(
                        request.env._(
                            "Attachments: %(name)s is larger than %(size)s MB.",
                            name=upload.filename[:100],
                            size=ATTACHMENT_MAX_BYTES // (1024 * 1024),
                        )
                    )
                    continue
                name = upload.filename.replace("\x00", "")[:200]
                attachments.append((name, content))
        customer = self._vip_customer()
        recent = self._vip_recent_count("vip.complaint", [("channel", "=", "portal")])
        limit = self._vip_rate_limit()
        if recent >= limit:
            errors.append(
                request.env._(
                    "You have sent %(count)s complaints in the last hour, the most "
                    "we accept through the portal: please wait a little, or call "
                    "your account manager if it is urgent.",
                    count=recent,
                )
            )
        user = request.env.user
        vals = {
            "subject": subject,
            # plain text from the form, escaped into HTML (the field sanitizes too)
            "description": plaintext2html(description),
            "severity": severity,
            "category_id": category.id or False,
            "partner_id": user.partner_id.id,
            "contact_name": user.partner_id.name,
            "email_from": user.partner_id.email or False,
            "channel": "portal",
            "company_id": (customer.company_id or user.company_id).id,
            "user_id": customer.user_id.id or False,
        }
        return errors, vals, attachments

    @http.route(
        "/my/vip/complaints/new",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        csrf=False,  # checked below, to answer a stale form with a message
    )
    def portal_my_vip_complaint_submit(self, **post):
        form = {
            key: post.get(key) if isinstance(post.get(key), str) else ""
            for key in ("subject", "description", "severity", "category_id")
        }
        if not self._vip_csrf_ok(post):
            errors = [self._vip_notice("csrf")["notice"]]
            values = self._vip_complaint_form_values(form, errors)
            return request.render(
                "partner_vip_care.portal_my_vip_complaint_new", values, status=400
            )
        files = request.httprequest.files.getlist("attachments")
        errors, vals, attachments = self._vip_validate_complaint(post, files)
        if not errors:
            try:
                complaint = self._vip_create_complaint(vals, attachments)
            except (UserError, ValidationError) as error:
                errors = [str(error)]
        if errors:
            values = self._vip_complaint_form_values(form, errors)
            return request.render(
                "partner_vip_care.portal_my_vip_complaint_new", values, status=400
            )
        return request.redirect(self._vip_complaint_url(complaint, notice="created"))

    def _vip_create_complaint(self, vals, attachments):
        user = request.env.user
        # sudo: portal users have no create right on complaints; the values were
        # validated above and the complaint is the user's customer's
        complaint = request.env["vip.complaint"].sudo().create(vals)
        complaint.message_subscribe(partner_ids=user.partner_id.ids)
        if attachments:
            # sudo: the files the customer sent with its complaint
            records = (
                request.env["ir.attachment"]
                .sudo()
                .create(
                    [
                        {
                            "name": name,
                            "datas": base64.b64encode(content),
                            "res_model": complaint._name,
                            "res_id": complaint.id,
                        }
                        for name, content in attachments
                    ]
                )
            )
            complaint.with_user(user).message_post(
                body=request.env._("Files sent with the complaint."),
                attachment_ids=records.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        complaint._send_acknowledgement()
        return complaint

    # ------------------------------------------------------------------
    # promises
    # ------------------------------------------------------------------

    @http.route(
        ["/my/vip/promises", "/my/vip/promises/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_vip_promises(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        page = portal_input.parse_page(page)
        # sudo: portal users have no rights on the ledger; the template shows only
        # the reference, type, description, deadline and state
        Promise = request.env["vip.promise"].sudo()
        domain = self._vip_promise_domain()
        pager = portal_pager(
            url="/my/vip/promises",
            total=Promise.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        promises = Promise.search(
            domain,
            order="deadline desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values.update(promises=promises, page_name="vip_promises", pager=pager)
        return request.render("partner_vip_care.portal_my_vip_promises", values)

    # ------------------------------------------------------------------
    # suggestions
    # ------------------------------------------------------------------

    @http.route(
        ["/my/vip/suggestions", "/my/vip/suggestions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_vip_suggestions(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        page = portal_input.parse_page(page)
        values.update(self._vip_notice(kw.get("notice")))
        # sudo: portal users have no rights on suggestions; the domain keeps the
        # customer's own and supported suggestions
        Suggestion = request.env["vip.suggestion"].sudo()
        domain = self._vip_suggestion_domain()
        pager = portal_pager(
            url="/my/vip/suggestions",
            total=Suggestion.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        suggestions = Suggestion.search(
            domain, limit=self._items_per_page, offset=pager["offset"]
        )
        values.update(
            suggestions=suggestions,
            customer=self._vip_customer(),
            open_states=SUGGESTION_OPEN_STATES,
            page_name="vip_suggestions",
            pager=pager,
        )
        return request.render("partner_vip_care.portal_my_vip_suggestions", values)

    @http.route(
        "/my/vip/suggestions/<int:suggestion_id>/support",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        csrf=False,  # checked below, to answer a stale form with a message
    )
    def portal_my_vip_suggestion_support(self, suggestion_id, **post):
        suggestion_id = self._vip_check_id(suggestion_id)
        customer = self._vip_customer()
        # sudo: only within the suggestions this customer lists or may support
        suggestion = (
            request.env["vip.suggestion"]
            .sudo()
            .search(
                (self._vip_suggestion_domain() | self._vip_supportable_domain())
                & Domain("id", "=", suggestion_id),
                limit=1,
            )
        )
        if not suggestion:
            raise NotFound()
        if not self._vip_csrf_ok(post):
            notice = "csrf"
        elif (
            suggestion.commercial_partner_id == customer
            or suggestion.state not in SUGGESTION_OPEN_STATES
        ):
            notice = "state"
        else:
            # sudo: "Me too" adds the customer to the supporters, nothing else
            suggestion.write({"supporter_ids": [fields.Command.link(customer.id)]})
            suggestion.message_post(
                body=request.env._(
                    "%(customer)s asks for the same (portal).",
                    customer=customer.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            notice = "supported"
        return request.redirect(f"/my/vip/suggestions?notice={notice}")

    def _vip_suggestion_errors(self, name, description, category):
        """Translated errors of a suggestion sent through the portal, the
        customer's hourly allowance included."""
        errors = self._vip_text_errors(
            request.env._("Title"),
            name,
            SUGGESTION_TITLE_MAX,
            request.env._("Title: please name your idea in a few words."),
        )
        errors += self._vip_text_errors(
            request.env._("Description"), description, DESCRIPTION_MAX
        )
        categories = dict(
            request.env["vip.suggestion"]
            ._fields["category"]
            ._description_selection(request.env)
        )
        if (portal_input.text(category) or "other") not in categories:
            errors.append(
                request.env._(
                    "Category: choose one of %(choices)s.",
                    choices=", ".join(categories.values()),
                )
            )
        recent = self._vip_recent_count(
            "vip.suggestion", [("create_uid.share", "=", True)]
        )
        limit = self._vip_rate_limit(
            SUGGESTION_RATE_LIMIT_PARAM, SUGGESTION_RATE_LIMIT_DEFAULT
        )
        if recent >= limit:
            errors.append(
                request.env._(
                    "You have sent %(count)s suggestions in the last hour, the most "
                    "we accept through the portal: thank you, please send the next "
                    "ones a little later.",
                    count=recent,
                )
            )
        return errors

    def _vip_suggestion_form_values(self, form=None, errors=None):
        values = self._prepare_portal_layout_values()
        categories = request.env["vip.suggestion"]._fields["category"]
        values.update(
            page_name="vip_suggestion_new",
            categories=categories._description_selection(request.env),
            form=form or {"category": "other"},
            errors=errors or [],
            title_max=SUGGESTION_TITLE_MAX,
            description_max=DESCRIPTION_MAX,
        )
        return values

    @http.route(
        "/my/vip/suggestions/new",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
        readonly=True,
    )
    def portal_my_vip_suggestion_new(self, **kw):
        values = self._vip_suggestion_form_values()
        return request.render("partner_vip_care.portal_my_vip_suggestion_new", values)

    @http.route(
        "/my/vip/suggestions/new",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        csrf=False,  # checked below, to answer a stale form with a message
    )
    def portal_my_vip_suggestion_submit(self, **post):
        form = {
            key: post.get(key) if isinstance(post.get(key), str) else ""
            for key in ("name", "description", "category")
        }
        errors = []
        if not self._vip_csrf_ok(post):
            errors.append(self._vip_notice("csrf")["notice"])
        name = portal_input.text(form["name"])
        description = portal_input.text(form["description"])
        errors += self._vip_suggestion_errors(name, description, form["category"])
        category = portal_input.text(form["category"]) or "other"
        customer = self._vip_customer()
        if not errors:
            # sudo: portal users have no rights on suggestions; owner: the
            # customer's salesperson, company: the customer's
            suggestion = (
                request.env["vip.suggestion"]
                .sudo()
                .create(
                    {
                        "name": name,
                        "description": plaintext2html(description)
                        if description
                        else False,
                        "category": category,
                        "partner_id": request.env.user.partner_id.id,
                        "user_id": customer.user_id.id or False,
                        "company_id": (
                            customer.company_id or request.env.user.company_id
                        ).id,
                    }
                )
            )
            suggestion.message_subscribe(partner_ids=request.env.user.partner_id.ids)
            return request.redirect("/my/vip/suggestions?notice=suggested")
        values = self._vip_suggestion_form_values(form, errors)
        return request.render(
            "partner_vip_care.portal_my_vip_suggestion_new", values, status=400
        )

    # ------------------------------------------------------------------
    # meetings
    # ------------------------------------------------------------------

    @http.route(
        ["/my/vip/meetings", "/my/vip/meetings/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_vip_meetings(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        page = portal_input.parse_page(page)
        values.update(self._vip_notice(kw.get("notice")))
        # sudo: portal users have no rights on meetings; the customer's invitations
        Attendee = request.env["vip.meeting.attendee"].sudo()
        domain = self._vip_attendee_domain()
        pager = portal_pager(
            url="/my/vip/meetings",
            total=Attendee.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        attendees = Attendee.search(
            domain,
            order="meeting_start desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values.update(
            attendees=attendees,
            answerable=self._vip_answerable(attendees),
            page_name="vip_meetings",
            pager=pager,
        )
        return request.render("partner_vip_care.portal_my_vip_meetings", values)

    def _vip_answerable(self, attendees):
        """Invitations the user may answer: its own, or the customer company's
        when the company itself was invited; only before a planned meeting."""
        user_partner = request.env.user.partner_id
        now = fields.Datetime.now()
        return attendees.filtered(
            lambda a: (
                a.partner_id in (user_partner | user_partner.commercial_partner_id)
                and a.meeting_id.state == "planned"
                and a.meeting_id.start > now
                and a.state in ("invited", "accepted", "declined")
            )
        )

    @http.route(
        "/my/vip/meetings/<int:attendee_id>/<string:answer>",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        csrf=False,  # checked below, to answer a stale form with a message
    )
    def portal_my_vip_meeting_answer(self, attendee_id, answer, **post):
        attendee_id = self._vip_check_id(attendee_id)
        if answer not in ("accept", "decline"):
            raise NotFound()
        # sudo: within the customer's own invitations
        attendee = (
            request.env["vip.meeting.attendee"]
            .sudo()
            .search(
                Domain(self._vip_attendee_domain()) & Domain("id", "=", attendee_id),
                limit=1,
            )
        )
        if not attendee:
            raise NotFound()
        if not self._vip_csrf_ok(post):
            notice = "csrf"
        elif not self._vip_answerable(attendee):
            notice = "state"
        else:
            self._vip_answer_invitation(attendee, answer)
            notice = "accepted" if answer == "accept" else "declined"
        return request.redirect(f"/my/vip/meetings?notice={notice}")

    def _vip_answer_invitation(self, attendee, answer):
        """Answer on the calendar invitation (the module copies it back to the
        meeting attendee); without an event, on the attendee itself."""
        event = attendee.meeting_id.calendar_event_id
        # sudo: the invitee's own answer on its invitation
        invitation = (
            request.env["calendar.attendee"]
            .sudo()
            .search(
                [
                    ("event_id", "=", event.id),
                    ("partner_id", "=", attendee.partner_id.id),
                ],
                limit=1,
            )
            if event
            else request.env["calendar.attendee"]
        )
        if invitation:
            if answer == "accept":
                invitation.do_accept()
            else:
                invitation.do_decline()
        else:
            # sudo: the answer is the workflow's state of the invitee's attendee
            attendee.sudo()._vip_workflow_write(
                {"state": "accepted" if answer == "accept" else "declined"}
            )
