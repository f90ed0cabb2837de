from odoo import models


class LoyaltyHistory(models.Model):
    _inherit = "loyalty.history"

    def _get_order_portal_url(self):
        """Points earned on an invoice link to the invoice's portal page."""
        if self.order_id and self.order_model == "account.move":
            return self.env["account.move"].browse(self.order_id).get_portal_url()
        return super()._get_order_portal_url()
