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
