"""The customer's suggestions on the portal: its own and those it supports,
"Me too" on ideas raised at its meetings, and the form for new ones."""

from odoo import fields, http
from odoo.fields import Domain
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.partner_vip_care.models.vip_suggestion import (
    OPEN_STATES as SUGGESTION_OPEN_STATES,
)

from . import portal_input
from .portal import DESCRIPTION_MAX, VipCustomerPortal

# suggestions a customer may submit through the portal per hour (all its users)
SUGGESTION_RATE_LIMIT_PARAM = "partner_vip_care.portal_suggestion_hourly_limit"
SUGGESTION_RATE_LIMIT_DEFAULT = 5
SUGGESTION_TITLE_MAX = 200


class VipSuggestionPortal(VipCustomerPortal):
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

    @http.route(
        ["/my/vip/suggestions", "/my/vip/suggestions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_vip_suggestions(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        values.update(self._vip_notice(kw.get("notice")))
        # sudo: portal users have no rights on suggestions; the domain keeps the
        # customer's own and supported suggestions
        values.update(
            self._vip_list_values(
                request.env["vip.suggestion"].sudo(),
                "/my/vip/suggestions",
                page,
                None,
                domain=self._vip_suggestion_domain(),
            ),
            customer=self._vip_customer(),
            open_states=SUGGESTION_OPEN_STATES,
            page_name="vip_suggestions",
        )
        values["suggestions"] = values.pop("records")
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
        customer = self._vip_customer()
        # only within the suggestions this customer lists or may support
        suggestion = self._vip_record_or_404(
            "vip.suggestion",
            suggestion_id,
            domain=self._vip_suggestion_domain() | self._vip_supportable_domain(),
        )

        def support():
            # sudo: "Me too" adds the customer to the supporters, nothing else
            suggestion.write({"supporter_ids": [fields.Command.link(customer.id)]})
            suggestion.message_post(
                body=request.env._(
                    "%(customer)s asks for the same (portal).",
                    customer=customer.display_name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return "supported"

        allowed = (
            suggestion.commercial_partner_id != customer
            and suggestion.state in SUGGESTION_OPEN_STATES
        )
        notice = self._vip_action_notice(post, allowed, support)
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
        categories = dict(self._vip_selection("vip.suggestion", "category"))
        if (portal_input.text(category) or "other") not in categories:
            errors.append(
                request.env._(
                    "Category: choose one of %(choices)s.",
                    choices=", ".join(categories.values()),
                )
            )
        recent = self._vip_rate_reached(
            "vip.suggestion",
            [("create_uid.share", "=", True)],
            SUGGESTION_RATE_LIMIT_PARAM,
            SUGGESTION_RATE_LIMIT_DEFAULT,
        )
        if recent:
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
        values.update(
            page_name="vip_suggestion_new",
            categories=self._vip_selection("vip.suggestion", "category"),
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
        form = self._vip_form(post, ("name", "description", "category"))
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
