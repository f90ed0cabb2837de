from odoo import Command, api, fields, models


class VipSuggestionMergeWizard(models.TransientModel):
    _name = "vip.suggestion.merge.wizard"
    _description = "Merge duplicate VIP suggestions"

    suggestion_ids = fields.Many2many(
        "vip.suggestion", string="Duplicates", required=True
    )
    target_id = fields.Many2one(
        "vip.suggestion",
        "Merge into",
        required=True,
        help="The suggestion that stays; the duplicates' customers become its "
        "supporters.",
    )

    @api.model
    def default_get(self, fields):
        values = super().default_get(fields)
        if self.env.context.get("active_model") == "vip.suggestion":
            ids = self.env.context.get("active_ids") or []
            suggestions = self.env["vip.suggestion"].browse(ids)
            values["suggestion_ids"] = [Command.set(suggestions.ids)]
        return values

    def action_merge(self):
        self.ensure_one()
        (self.suggestion_ids - self.target_id).action_merge_into(self.target_id)
        return {
            "type": "ir.actions.act_window",
            "res_model": "vip.suggestion",
            "res_id": self.target_id.id,
            "view_mode": "form",
        }
