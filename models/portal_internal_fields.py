"""What the module keeps from portal users: its fields on partners, companies,
tiers, complaint categories, promises and suggestions that only employees read.
Portal pages show what they need through the controllers, in sudo; a portal
user's RPC read or ``fields_get`` never sees these fields (Odoo hides fields
whose ``groups`` the user lacks). ``tests/test_portal_fields.py`` holds the
allow-list of what stays readable: a new field without ``groups=`` fails it.
Complaints: ``vip_complaint_portal.py``."""

from odoo import fields, models

EMPLOYEE = "base.group_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # tier and evaluation: the portal page reads them in sudo
    vip_tier_id = fields.Many2one(groups=EMPLOYEE)
    vip_tier_color = fields.Integer(groups=EMPLOYEE)
    vip_tier_locked = fields.Boolean(groups=EMPLOYEE)
    vip_lock_reason = fields.Char(groups=EMPLOYEE)
    vip_lock_until = fields.Date(groups=EMPLOYEE)
    vip_currency_id = fields.Many2one(groups=EMPLOYEE)
    vip_revenue = fields.Monetary(groups=EMPLOYEE)
    vip_evaluated_on = fields.Date(groups=EMPLOYEE)
    vip_since = fields.Date(groups=EMPLOYEE)
    vip_pareto_class = fields.Selection(groups=EMPLOYEE)
    vip_referred_by_id = fields.Many2one(groups=EMPLOYEE)
    vip_referral_count = fields.Integer(groups=EMPLOYEE)
    vip_tier_history_ids = fields.One2many(groups=EMPLOYEE)
    # health
    vip_health_score = fields.Integer(groups=EMPLOYEE)
    vip_health_factors = fields.Char(groups=EMPLOYEE)
    vip_health_reasons = fields.Text(groups=EMPLOYEE)
    vip_lifecycle_stage = fields.Selection(groups=EMPLOYEE)
    vip_stage_since = fields.Date(groups=EMPLOYEE)
    vip_order_interval_days = fields.Float(groups=EMPLOYEE)
    vip_last_invoice_date = fields.Date(groups=EMPLOYEE)
    vip_first_invoice_date = fields.Date(groups=EMPLOYEE)
    vip_days_since_invoice = fields.Integer(groups=EMPLOYEE)
    vip_tenure_days = fields.Integer(groups=EMPLOYEE)
    vip_estimated_potential = fields.Monetary(groups=EMPLOYEE)
    vip_share_of_wallet = fields.Float(groups=EMPLOYEE)
    # satisfaction
    vip_last_nps = fields.Integer(groups=EMPLOYEE)
    vip_last_nps_date = fields.Date(groups=EMPLOYEE)
    vip_last_nps_category = fields.Selection(groups=EMPLOYEE)
    # visit plan (the next visit shows on the portal page, read in sudo)
    vip_last_visit_date = fields.Date(groups=EMPLOYEE)
    vip_last_management_visit_date = fields.Date(groups=EMPLOYEE)
    vip_next_visit_date = fields.Date(groups=EMPLOYEE)
    vip_next_management_visit_date = fields.Date(groups=EMPLOYEE)
    vip_visit_overdue = fields.Boolean(groups=EMPLOYEE)


class ResCompany(models.Model):
    _inherit = "res.company"

    vip_window_months = fields.Integer(groups=EMPLOYEE)
    vip_downgrade_grace_days = fields.Integer(groups=EMPLOYEE)
    vip_upgrade_mail = fields.Boolean(groups=EMPLOYEE)
    vip_at_risk_ratio = fields.Float(groups=EMPLOYEE)
    vip_promise_reminder_days = fields.Integer(groups=EMPLOYEE)
    vip_visit_lead_days = fields.Integer(groups=EMPLOYEE)
    vip_reopen_days = fields.Integer(groups=EMPLOYEE)
    vip_default_response_hours = fields.Float(groups=EMPLOYEE)
    vip_default_resolution_hours = fields.Float(groups=EMPLOYEE)
    vip_sla_calendar_id = fields.Many2one(groups=EMPLOYEE)
    vip_escalation_user_id = fields.Many2one(groups=EMPLOYEE)
    vip_health_weight_recency = fields.Integer(groups=EMPLOYEE)
    vip_health_weight_trend = fields.Integer(groups=EMPLOYEE)
    vip_health_weight_complaints = fields.Integer(groups=EMPLOYEE)
    vip_health_weight_promises = fields.Integer(groups=EMPLOYEE)
    vip_health_weight_nps = fields.Integer(groups=EMPLOYEE)
    vip_health_weight_visits = fields.Integer(groups=EMPLOYEE)
    vip_health_at_risk_score = fields.Integer(groups=EMPLOYEE)
    vip_lapse_factor = fields.Float(groups=EMPLOYEE)
    vip_lapse_min_days = fields.Integer(groups=EMPLOYEE)
    vip_lost_days = fields.Integer(groups=EMPLOYEE)


class VipTier(models.Model):
    """Portal users read a tier's name, level, colour and benefits; thresholds,
    bottom lines and service levels are the company's."""

    _inherit = "vip.tier"

    qualify_amount = fields.Monetary(groups=EMPLOYEE)
    retain_amount = fields.Monetary(groups=EMPLOYEE)
    response_hours = fields.Float(groups=EMPLOYEE)
    resolution_hours = fields.Float(groups=EMPLOYEE)
    visit_interval_days = fields.Integer(groups=EMPLOYEE)
    management_visit_interval_days = fields.Integer(groups=EMPLOYEE)
    promise_limit = fields.Monetary(groups=EMPLOYEE)
    pricelist_id = fields.Many2one(groups=EMPLOYEE)
    partner_count = fields.Integer(groups=EMPLOYEE)


class VipComplaintCategory(models.Model):
    _inherit = "vip.complaint.category"

    complaint_count = fields.Integer(groups=EMPLOYEE)
    answer_template_ids = fields.Many2many(groups=EMPLOYEE)
    answer_use_count = fields.Integer(groups=EMPLOYEE)


class VipPromise(models.Model):
    """Portal users have no right on promises (the portal page reads them in
    sudo); the ledger's figures and approval carry groups all the same."""

    _inherit = "vip.promise"

    value = fields.Monetary(groups=EMPLOYEE)
    exposure = fields.Monetary(groups=EMPLOYEE)
    tier_id = fields.Many2one(groups=EMPLOYEE)
    limit_applied = fields.Monetary(groups=EMPLOYEE)
    needs_approval = fields.Boolean(groups=EMPLOYEE)
    submitted_on = fields.Datetime(groups=EMPLOYEE)
    approver_id = fields.Many2one(groups=EMPLOYEE)
    approved_on = fields.Datetime(groups=EMPLOYEE)
    approval_note = fields.Text(groups=EMPLOYEE)
    outcome_note = fields.Text(groups=EMPLOYEE)
    reminder_sent = fields.Boolean(groups=EMPLOYEE)
    overdue_notified = fields.Boolean(groups=EMPLOYEE)


class VipSuggestion(models.Model):
    """Portal users have no right on suggestions (the portal page reads them in
    sudo); who decided and the follow-up records carry groups all the same."""

    _inherit = "vip.suggestion"

    tier_id = fields.Many2one(groups=EMPLOYEE)
    decided_by_id = fields.Many2one(groups=EMPLOYEE)
    complaint_id = fields.Many2one(groups=EMPLOYEE)
    visit_id = fields.Many2one(groups=EMPLOYEE)
    promise_ids = fields.One2many(groups=EMPLOYEE)
    promise_count = fields.Integer(groups=EMPLOYEE)
    merged_into_id = fields.Many2one(groups=EMPLOYEE)
    decided_count = fields.Integer(groups=EMPLOYEE)
    adopted_count = fields.Integer(groups=EMPLOYEE)
    replied_count = fields.Integer(groups=EMPLOYEE)
    days_to_reply = fields.Float(groups=EMPLOYEE)
    reply_pending = fields.Boolean(groups=EMPLOYEE)
