from odoo import fields, models


class VipComplaintCancel(models.TransientModel):
    _name = "vip.complaint.cancel"
    _description = "Cancel Complaints"

    complaint_ids = fields.Many2many("vip.complaint", string="Complaints")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.complaint_ids.action_cancel(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
