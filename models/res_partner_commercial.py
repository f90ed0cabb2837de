from collections import defaultdict

from odoo import api, models

MODULE = "partner_vip_care"


class ResPartner(models.Model):
    """A contact's VIP values come from its commercial partner only.

    Odoo's commercial sync copies the *set* values of a new commercial partner to a
    contact and leaves everything else as it was: a contact detached from a
    Platinum customer (or moved to a company without a tier, or made a company)
    would keep Platinum, the revenue and the health that the evaluation never gave
    it. Whenever a partner changes commercial partner, its VIP values (and those
    of its contacts) are made exactly its new commercial partner's, or empty when
    it becomes its own commercial partner, until the evaluation says otherwise."""

    _inherit = "res.partner"

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        # a contact created with VIP values of its own takes its company's
        fnames = set(self._vip_commercial_fields())
        self.browse(
            [
                partner.id
                for partner, vals in zip(partners, vals_list, strict=True)
                if fnames & vals.keys() and partner.commercial_partner_id != partner
            ]
        )._vip_reset_commercial_values()
        return partners

    def write(self, vals):
        if not {"parent_id", "is_company"} & vals.keys():
            return super().write(vals)
        before = {partner.id: partner.commercial_partner_id for partner in self}
        result = super().write(vals)
        moved = self.filtered(lambda p: p.commercial_partner_id != before[p.id])
        moved._vip_reset_commercial_values()
        return result

    def _vip_commercial_fields(self):
        """The module's commercial fields (tier, lock, revenue, class, health…)."""
        return [
            fname
            for fname in self._commercial_fields()
            if self._fields[fname]._module == MODULE
        ]

    def _vip_reset_commercial_values(self):
        """Give each partner (and its contacts) exactly the VIP values of its
        commercial partner: none when it is its own. One write per commercial
        partner."""
        if not self:
            return
        fnames = self._vip_commercial_fields()
        empty = dict.fromkeys(fnames, False)
        by_commercial = defaultdict(lambda: self.browse())
        for partner in self:
            by_commercial[partner.commercial_partner_id] |= partner
        for commercial, partners in by_commercial.items():
            own = partners & commercial
            contacts = partners - commercial
            # sudo: the sync's own write, as Odoo's commercial sync does
            if own:
                own.sudo().write(empty)
            if contacts:
                values = commercial._convert_fields_to_values(fnames)
                contacts.sudo().write(values)
            for contact in contacts.sudo():
                contact._commercial_sync_to_descendants(fnames)
