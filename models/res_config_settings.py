from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    vip_window_months = fields.Integer(
        related="company_id.vip_window_months", readonly=False
    )
    vip_downgrade_grace_days = fields.Integer(
        related="company_id.vip_downgrade_grace_days", readonly=False
    )
    vip_upgrade_mail = fields.Boolean(
        related="company_id.vip_upgrade_mail", readonly=False
    )
    vip_at_risk_ratio = fields.Float(
        related="company_id.vip_at_risk_ratio", readonly=False
    )
    vip_promise_reminder_days = fields.Integer(
        related="company_id.vip_promise_reminder_days", readonly=False
    )
    vip_visit_lead_days = fields.Integer(
        related="company_id.vip_visit_lead_days", readonly=False
    )
    vip_default_response_hours = fields.Float(
        related="company_id.vip_default_response_hours", readonly=False
    )
    vip_default_resolution_hours = fields.Float(
        related="company_id.vip_default_resolution_hours", readonly=False
    )
    vip_sla_calendar_id = fields.Many2one(
        related="company_id.vip_sla_calendar_id", readonly=False
    )
    vip_escalation_user_id = fields.Many2one(
        related="company_id.vip_escalation_user_id", readonly=False
    )
