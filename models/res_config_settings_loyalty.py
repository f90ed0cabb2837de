from odoo import fields, models

VIP_MANAGER = "partner_vip_care.group_vip_manager"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    vip_referral_program_id = fields.Many2one(
        related="company_id.vip_referral_program_id",
        readonly=False,
        groups=VIP_MANAGER,
    )
    vip_points_program_id = fields.Many2one(
        related="company_id.vip_points_program_id",
        readonly=False,
        groups=VIP_MANAGER,
    )
    vip_points_per_amount = fields.Float(
        related="company_id.vip_points_per_amount",
        readonly=False,
        groups=VIP_MANAGER,
    )
