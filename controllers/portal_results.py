"""“You said, we did”: the published results of the satisfaction campaigns the
customer answered, once closed: what we learned and what we decided (the
suggestions accepted, the corrective actions, the promises made to it)."""

from odoo import http
from odoo.fields import Domain
from odoo.http import request

from .portal import VipCustomerPortal

PUBLISHED_STATES = ("closed", "thanked")


class VipResultsPortal(VipCustomerPortal):
    def _vip_results_domain(self):
        """The customer's own answers to campaigns that are over."""
        return (
            Domain("partner_id", "=", self._vip_customer().id)
            & Domain("state", "=", "answered")
            & Domain("campaign_id.state", "in", PUBLISHED_STATES)
        )

    @http.route(
        ["/my/vip/results", "/my/vip/results/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_vip_results(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        # sudo: portal users have no rights on campaigns; the domain keeps the
        # customer's own answers, the template shows the campaign's name, dates,
        # findings and the actions reported to this customer (as in the thanks
        # mail), never other customers' answers or promises
        values.update(
            self._vip_list_values(
                request.env["vip.survey.participant"].sudo(),
                "/my/vip/results",
                page,
                "answered_on desc, id desc",
                domain=self._vip_results_domain(),
            ),
            page_name="vip_results",
        )
        values["results"] = values.pop("records")
        return request.render("partner_vip_care.portal_my_vip_results", values)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "vip_result_count" in counters and not request.env.user._is_public():
            # sudo: the customer's own answers, counted with its domain
            values["vip_result_count"] = (
                request.env["vip.survey.participant"]
                .sudo()
                .search_count(self._vip_results_domain())
            )
        return values
