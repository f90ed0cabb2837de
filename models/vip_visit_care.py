from odoo import fields, models


class VipVisit(models.Model):
    """A benefit given during a visit is recorded one click from it."""

    _inherit = "vip.visit"

    benefit_usage_ids = fields.One2many(
        "vip.benefit.usage", "visit_id", "Benefits Given"
    )

    def action_vip_record_benefit(self):
        self.ensure_one()
        return self.env["vip.benefit.usage"]._vip_new_action(
            self.contact_id or self.partner_id,
            visit_id=self.id,
            date=fields.Date.to_string(self.date),
        )
