from odoo import fields, models


class VipBenefitUsageCancel(models.TransientModel):
    _name = "vip.benefit.usage.cancel"
    _description = "Cancel Benefit Uses"

    usage_ids = fields.Many2many("vip.benefit.usage", string="Benefit Uses")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.usage_ids.action_cancel(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
