from odoo import api, fields, models
from odoo.exceptions import UserError


class VipTierHistory(models.Model):
    _name = "vip.tier.history"
    _description = "VIP Tier Change"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, ondelete="cascade"
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    old_tier_id = fields.Many2one("vip.tier", "From Tier", ondelete="restrict")
    new_tier_id = fields.Many2one("vip.tier", "To Tier", ondelete="restrict")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    revenue = fields.Monetary(help="Revenue in the window when the change was made.")
    reason = fields.Selection(
        [
            ("upgrade", "Upgrade"),
            ("downgrade", "Downgrade"),
            ("manual", "Manual change"),
            ("lock", "Locked"),
            ("unlock", "Unlocked"),
        ],
        required=True,
    )
    note = fields.Char()
    user_id = fields.Many2one(
        "res.users", "Changed by", default=lambda self: self.env.user
    )

    def write(self, vals):
        self.check_access("write")  # nobody has the right: the access error first
        if vals:
            raise UserError(
                self.env._("The tier history is a log: its rows cannot be changed.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("The tier history is a log: its rows cannot be deleted.")
        )
