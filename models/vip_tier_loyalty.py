from odoo import api, fields, models
from odoo.exceptions import ValidationError


class VipTier(models.Model):
    """What a tier gives on Odoo's loyalty: a welcome coupon on entering it and a
    multiplier of the points earned on invoices."""

    _inherit = "vip.tier"

    welcome_program_id = fields.Many2one(
        "loyalty.program",
        "Welcome Coupon",
        domain="[('program_type', '=', 'coupons'), "
        "('company_id', 'in', [company_id, False])]",
        help="A customer moving up into this tier gets one coupon of this program, "
        "once per year.",
        groups="base.group_user",
    )
    points_multiplier = fields.Float(
        default=1.0,
        help="Points earned on invoices are multiplied by this for the customers of "
        "this tier.",
        groups="base.group_user",
    )

    @api.constrains("welcome_program_id", "points_multiplier")
    def _check_vip_loyalty(self):
        for tier in self:
            program = tier.welcome_program_id
            if program and program.program_type != "coupons":
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s: the welcome coupon program %(program)s is "
                        "not a coupon program.",
                        tier=tier.name,
                        program=program.name,
                    )
                )
            if tier.points_multiplier < 0:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s: the points multiplier cannot be negative.",
                        tier=tier.name,
                    )
                )
