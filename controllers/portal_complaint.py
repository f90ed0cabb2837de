"""The customer's complaints on the portal: list, page (with its thread and
deadlines), the form for new ones, and confirming or reopening a resolved one."""

import base64

from markupsafe import Markup

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.partner_vip_care.models.res_partner_complaint import (
    VIP_COMPLAINT_OPEN_STATES,
)

from . import portal_input
from .portal import DESCRIPTION_MAX, SEARCH_MAX, VipCustomerPortal

SUBJECT_MAX = 200
ATTACHMENT_MAX_COUNT = 5
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
# complaints a customer may submit through the portal per hour (all its users)
RATE_LIMIT_PARAM = "partner_vip_care.portal_complaint_hourly_limit"
RATE_LIMIT_DEFAULT = 5
FORM_KEYS = ("subject", "description", "severity", "category_id")


class VipComplaintPortal(VipCustomerPortal):
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
                "domain": [("state", "in", VIP_COMPLAINT_OPEN_STATES)],
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
        sortings = self._vip_complaint_sortings()
        filters = self._vip_complaint_filters()
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
        values.update(
            self._vip_list_values(
                request.env["vip.complaint"],
                "/my/vip/complaints",
                page,
                None,
                domain=self._vip_complaint_domain(),
                sortings=sortings,
                sortby=sortby if sortby in sortings else "date",
                filters=filters,
                filterby=filterby if filterby in filters else "all",
                search=search,
                search_fields=("name", "subject"),
            ),
            page_name="vip_complaints",
        )
        values["complaints"] = values.pop("records")
        return request.render("partner_vip_care.portal_my_vip_complaints", values)

    def _vip_complaint_check_access(self, complaint_id, access_token=None):
        """The complaint, in sudo, if the user may see it (see
        ``_vip_record_or_404``: its customer, or its access token); else 404."""
        return self._vip_record_or_404(
            "vip.complaint", complaint_id, access_token=access_token
        )

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
        values.update(
            complaint=complaint_sudo,
            page_name="vip_complaint",
            vip_tz=self._vip_tz(complaint_sudo),
            reason_max=DESCRIPTION_MAX,
            resolution_message=complaint_sudo._vip_resolution_message(),
        )
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
        reason = post.get("reason") if isinstance(post.get("reason"), str) else ""
        reason = reason.strip()

        def transition():
            # sudo: the customer confirms or reopens its own resolved complaint
            # (access checked above); the action checks the state
            if action == "action_close":
                complaint_sudo.action_close()
                return "closed"
            # reopening says why: the reason joins the conversation
            if not reason or not portal_input.storable(reason):
                return "reason"
            complaint_sudo.action_reopen()
            self._vip_post_reopen_reason(complaint_sudo, reason[:DESCRIPTION_MAX])
            return "reopened"

        notice = self._vip_action_notice(
            post, complaint_sudo.state == "resolved", transition
        )
        return request.redirect(
            self._vip_complaint_url(
                complaint_sudo, portal_input.token(access_token), notice
            )
        )

    def _vip_post_reopen_reason(self, complaint_sudo, reason):
        """The customer's reason for reopening, as its message in the thread
        (posted after the reopening, so that it reopens nothing twice)."""
        body = Markup("<p><b>%s</b></p>%s") % (
            request.env._("The problem is not solved:"),
            plaintext2html(reason),
        )
        user = request.env.user
        if not user._is_public() and (
            user.partner_id.commercial_partner_id
            == complaint_sudo.commercial_partner_id
        ):
            complaint_sudo.with_user(user).message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        else:
            # sudo: a visitor with the complaint's link writes as its customer
            complaint_sudo.message_post(
                body=body,
                author_id=complaint_sudo.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
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
        values.update(
            page_name="vip_complaint_new",
            categories=self._vip_complaint_categories(),
            severities=self._vip_selection("vip.complaint", "severity"),
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

    def _vip_complaint_text_errors(self, subject, description):
        errors = self._vip_text_errors(
            request.env._("Subject"),
            subject,
            SUBJECT_MAX,
            request.env._("Subject: please say in a few words what went wrong."),
        )
        return errors + self._vip_text_errors(
            request.env._("Description"),
            description,
            DESCRIPTION_MAX,
            request.env._(
                "Description: please describe what happened and what you expect."
            ),
        )

    def _vip_complaint_choice_errors(self, severity, raw_category):
        """Errors of the severity and category chosen, and the category."""
        errors = []
        severities = dict(self._vip_selection("vip.complaint", "severity"))
        if severity not in severities:
            errors.append(
                request.env._(
                    "Severity: choose one of %(choices)s.",
                    choices=", ".join(severities.values()),
                )
            )
        category = request.env["vip.complaint.category"]
        if raw_category:
            categories = self._vip_complaint_categories()
            category_id = portal_input.parse_id(raw_category)
            if category_id not in categories.ids:
                errors.append(
                    request.env._("Category: choose one of the listed categories.")
                )
            else:
                category = categories.browse(category_id)
        return errors, category

    def _vip_complaint_attachments(self, files):
        """Errors of the files sent, and the (name, content) of those kept."""
        files = [f for f in files if f and f.filename]
        if len(files) > ATTACHMENT_MAX_COUNT:
            message = request.env._(
                "Attachments: at most %(count)s files.", count=ATTACHMENT_MAX_COUNT
            )
            return [message], []
        errors, attachments = [], []
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
        return errors, attachments

    def _vip_complaint_rate_errors(self):
        recent = self._vip_rate_reached(
            "vip.complaint",
            [("channel", "=", "portal")],
            RATE_LIMIT_PARAM,
            RATE_LIMIT_DEFAULT,
        )
        if not recent:
            return []
        return [
            request.env._(
                "You have sent %(count)s complaints in the last hour, the most "
                "we accept through the portal: please wait a little, or call "
                "your account manager if it is urgent.",
                count=recent,
            )
        ]

    def _vip_validate_complaint(self, post, files):
        """Errors (translated sentences naming the field and the rule) and the
        values of the complaint to create."""
        subject = portal_input.text(post.get("subject"))
        description = portal_input.text(post.get("description"))
        severity = portal_input.text(post.get("severity")) or "normal"
        errors = self._vip_complaint_text_errors(subject, description)
        choice_errors, category = self._vip_complaint_choice_errors(
            severity, portal_input.text(post.get("category_id"))
        )
        file_errors, attachments = self._vip_complaint_attachments(files)
        errors += choice_errors + file_errors + self._vip_complaint_rate_errors()
        customer = self._vip_customer()
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
        form = self._vip_form(post, FORM_KEYS)
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
