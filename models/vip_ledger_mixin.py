from odoo import api, models


class VipLedgerMixin(models.AbstractModel):
    """What the customer ledgers (promises, benefit uses) share at entry: the
    customer is the company, a contact chosen goes to ``contact_id``, and the
    reference is drawn from the ledger's gapless sequence by the server only."""

    _name = "vip.ledger.mixin"
    _description = "Customer Ledger"

    _vip_sequence_code = None  # the code of the ledger's sequence

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        commercial = self.partner_id.commercial_partner_id
        if self.partner_id and self.partner_id != commercial:
            self.contact_id = self.partner_id
            self.partner_id = commercial
        elif self.contact_id.commercial_partner_id != commercial:
            self.contact_id = False

    @api.model
    def _vip_ledger_vals(self, vals_list):
        """``vals_list`` of a creation with the customer as company and the
        references drawn."""
        default_partner = self.env.context.get("default_partner_id")
        if default_partner:  # a contact as default customer goes to its company too
            vals_list = [{"partner_id": default_partner, **vals} for vals in vals_list]
        vals_list = [self.env["res.partner"]._vip_customer_vals(v) for v in vals_list]
        for vals in vals_list:
            # the reference is the ledger's: only server code may bring its own
            if not self.env.su or vals.get("name", "New") in ("New", self.env._("New")):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["vip.promise"]._vip_draw_name(
                    company, self._vip_sequence_code
                )
        return vals_list
