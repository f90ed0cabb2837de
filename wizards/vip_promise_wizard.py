from odoo import api, fields, models
from odoo.exceptions import UserError

REASON_REQUIRED = ("refuse", "broken", "cancel")


class VipPromiseWizard(models.TransientModel):
    _name = "vip.promise.wizard"
    _description = "VIP Promise: approve, refuse, close or cancel"

    promise_ids = fields.Many2many("vip.promise", string="Promises", required=True)
    step = fields.Selection(
        [
            ("approve", "Approve"),
            ("refuse", "Refuse"),
            ("kept", "Mark Kept"),
            ("broken", "Mark Broken"),
            ("cancel", "Cancel"),
        ],
        required=True,
        default="approve",
    )
    reason_required = fields.Boolean(compute="_compute_reason_required")
    note = fields.Text(
        help="Approval note, refusal or cancellation reason, or what happened.",
    )
    done_date = fields.Date(
        "Kept on",
        default=fields.Date.context_today,
        help="Day the promise was kept.",
    )

    @api.depends("step")
    def _compute_reason_required(self):
        for wizard in self:
            wizard.reason_required = wizard.step in REASON_REQUIRED

    def action_confirm(self):
        self.ensure_one()
        note = (self.note or "").strip()
        if self.step in REASON_REQUIRED and not note:
            raise UserError(self.env._("Give the reason: it is kept in the ledger."))
        promises = self.promise_ids
        if self.step == "approve":
            promises.action_approve(note=note or None)
        elif self.step == "refuse":
            promises.action_refuse(reason=note)
        elif self.step == "kept":
            promises.action_mark_kept(done_date=self.done_date, note=note or None)
        elif self.step == "broken":
            promises.action_mark_broken(reason=note)
        else:
            promises.action_cancel(reason=note)
        return {"type": "ir.actions.act_window_close"}
