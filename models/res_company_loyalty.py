from odoo import api, fields, models
from odoo.exceptions import ValidationError

VIP_MANAGER = "partner_vip_care.group_vip_manager"


class ResCompany(models.Model):
    """Word of mouth on Odoo's loyalty: which programs the module's coupons and
    points belong to. VIP managers only: whoever may set a program decides who
    gets what."""

    _inherit = "res.company"

    vip_referral_program_id = fields.Many2one(
        "loyalty.program",
        "Referral Program",
        domain="[('program_type', '=', 'coupons'), ('company_id', 'in', [id, False])]",
        help="On a referred customer's first posted invoice, the customer and its "
        "referrer each get one coupon of this program.",
        groups=VIP_MANAGER,
    )
    vip_points_program_id = fields.Many2one(
        "loyalty.program",
        "Points Program",
        domain="[('program_type', '=', 'loyalty'), ('company_id', 'in', [id, False])]",
        help="Each posted customer invoice adds points to the customer's card of "
        "this program; a refund takes them back. Leave empty when the same program "
        "already earns points on sale orders.",
        groups=VIP_MANAGER,
    )
    vip_points_per_amount = fields.Float(
        "Points per Currency Unit",
        default=1.0,
        help="Points earned per unit of the company currency invoiced (untaxed), "
        "before the tier's points multiplier.",
        groups=VIP_MANAGER,
    )

    @api.constrains(
        "vip_referral_program_id", "vip_points_program_id", "vip_points_per_amount"
    )
    def _check_vip_loyalty(self):
        for company in self:
            referral = company.vip_referral_program_id
            points = company.vip_points_program_id
            if referral and referral.program_type != "coupons":
                raise ValidationError(
                    self.env._(
                        "Referral Program: %(program)s is not a coupon program.",
                        program=referral.name,
                    )
                )
            if points and points.program_type != "loyalty":
                raise ValidationError(
                    self.env._(
                        "Points Program: %(program)s is not a loyalty card program.",
                        program=points.name,
                    )
                )
            for program in referral | points:
                if program.company_id and program.company_id != company:
                    raise ValidationError(
                        self.env._(
                            "%(program)s belongs to another company than %(company)s.",
                            program=program.name,
                            company=company.name,
                        )
                    )
            if company.vip_points_per_amount < 0:
                raise ValidationError(
                    self.env._("Points per Currency Unit cannot be negative.")
                )
