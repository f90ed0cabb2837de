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
    vip_reopen_days = fields.Integer(
        related="company_id.vip_reopen_days", readonly=False
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
    vip_complaint_alias_name = fields.Char(
        "Complaint Alias",
        compute="_compute_vip_complaint_alias",
        inverse="_inverse_vip_complaint_alias",
        help="Mail sent to this address (at the alias domain) becomes a complaint.",
    )
    vip_complaint_alias_domain = fields.Char(
        "Complaint Alias Domain", compute="_compute_vip_complaint_alias"
    )

    def _vip_complaint_alias(self):
        return self.env.ref(
            "partner_vip_care.mail_alias_vip_complaint", raise_if_not_found=False
        )

    def _compute_vip_complaint_alias(self):
        alias = self._vip_complaint_alias()
        for settings in self:
            settings.vip_complaint_alias_name = alias.alias_name if alias else False
            settings.vip_complaint_alias_domain = (
                alias.alias_domain_id.name if alias else False
            )

    def _inverse_vip_complaint_alias(self):
        alias = self._vip_complaint_alias()
        for settings in self:
            if alias and settings.vip_complaint_alias_name != alias.alias_name:
                alias.alias_name = settings.vip_complaint_alias_name
