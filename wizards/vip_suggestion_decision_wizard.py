from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import clean_context


class VipSuggestionDecisionWizard(models.TransientModel):
    _name = "vip.suggestion.decision.wizard"
    _description = "Decide on VIP suggestions"

    suggestion_ids = fields.Many2many("vip.suggestion", required=True)
    decision = fields.Selection(
        [
            ("accepted", "Accept"),
            ("implemented", "Implemented"),
            ("rejected", "Reject"),
        ],
        required=True,
    )
    note = fields.Text(
        "Decision Note",
        help="What was decided and why: it is sent to the customer with the thanks.",
    )
    send_reply = fields.Boolean(
        "Send the reply now",
        default=True,
        help="E-mail the decision and thanks to the customer and the supporters.",
    )

    def action_confirm(self):
        self.ensure_one()
        if not (self.note or "").strip():
            raise UserError(
                self.env._(
                    "Decision Note: explain the decision to the customer before "
                    "confirming it."
                )
            )
        method = {
            "accepted": "action_accept",
            "implemented": "action_implement",
            "rejected": "action_reject",
        }[self.decision]
        # the wizard's default_* keys must not reach the suggestions' records
        suggestions = self.suggestion_ids.with_env(
            self.env(context=clean_context(self.env.context))
        )
        getattr(suggestions, method)(note=self.note)
        if self.send_reply:
            suggestions.action_send_reply()
        return {"type": "ir.actions.act_window_close"}
