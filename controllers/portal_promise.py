"""The promises made to the customer, on the portal (those it heard only)."""

from odoo import http
from odoo.http import request

from .portal import VipCustomerPortal


class VipPromisePortal(VipCustomerPortal):
    @http.route(
        ["/my/vip/promises", "/my/vip/promises/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_vip_promises(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        # sudo: portal users have no rights on the ledger; the template shows only
        # the reference, type, description, deadline and state
        values.update(
            self._vip_list_values(
                request.env["vip.promise"].sudo(),
                "/my/vip/promises",
                page,
                "deadline desc, id desc",
                domain=self._vip_promise_domain(),
            ),
            page_name="vip_promises",
        )
        values["promises"] = values.pop("records")
        return request.render("partner_vip_care.portal_my_vip_promises", values)

    @http.route(
        "/my/vip/promises/<int:promise_id>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_vip_promise(self, promise_id, **kw):
        """One promise in full: what was promised, by when, what became of it."""
        promise = self._vip_record_or_404(
            "vip.promise", promise_id, domain=self._vip_promise_domain()
        )
        values = self._prepare_portal_layout_values()
        values.update(
            promise=promise,
            page_name="vip_promise",
            complaint=self._vip_promise_complaint(promise),
        )
        return request.render("partner_vip_care.portal_my_vip_promise", values)

    def _vip_promise_complaint(self, promise):
        """The customer's complaint the promise compensates, if it may see it."""
        complaint = promise.complaint_id
        if complaint and complaint.commercial_partner_id == self._vip_customer():
            return complaint
        return request.env["vip.complaint"]
