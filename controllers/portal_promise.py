"""The promises made to the customer, on the portal (those it heard only)."""

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager

from . import portal_input
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
