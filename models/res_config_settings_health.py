from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    vip_health_weight_recency = fields.Integer(
        related="company_id.vip_health_weight_recency", readonly=False
    )
    vip_health_weight_trend = fields.Integer(
        related="company_id.vip_health_weight_trend", readonly=False
    )
    vip_health_weight_complaints = fields.Integer(
        related="company_id.vip_health_weight_complaints", readonly=False
    )
    vip_health_weight_promises = fields.Integer(
        related="company_id.vip_health_weight_promises", readonly=False
    )
    vip_health_weight_nps = fields.Integer(
        related="company_id.vip_health_weight_nps", readonly=False
    )
    vip_health_weight_visits = fields.Integer(
        related="company_id.vip_health_weight_visits", readonly=False
    )
    vip_health_at_risk_score = fields.Integer(
        related="company_id.vip_health_at_risk_score", readonly=False
    )
    vip_lapse_factor = fields.Float(
        related="company_id.vip_lapse_factor", readonly=False
    )
    vip_lapse_min_days = fields.Integer(
        related="company_id.vip_lapse_min_days", readonly=False
    )
    vip_lost_days = fields.Integer(related="company_id.vip_lost_days", readonly=False)
