from odoo import models

from .res_partner_health import CHURNED_STAGES


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        """A lapsed or lost customer invoicing again is won back at once (its win-back
        activity closed); the others wait for the nightly health job."""
        posted = super()._post(soft=soft)
        invoices = posted.filtered(lambda move: move.move_type == "out_invoice")
        returning = invoices.commercial_partner_id.filtered(
            lambda partner: partner.vip_lifecycle_stage in CHURNED_STAGES
        )
        if returning:
            for company in invoices.company_id:
                partners = (
                    returning
                    & invoices.filtered(
                        lambda move, company=company: move.company_id == company
                    ).commercial_partner_id
                )
                if partners:
                    self.env["res.partner"].with_company(company)._vip_compute_health(
                        partners
                    )
        return posted
