from odoo import fields, models


class VipComplaint(models.Model):
    """What the customer's portal users may read of a complaint: their record
    rule gives them the customer's complaints, these field groups keep the
    internal analysis and the SLA machinery away from them."""

    _inherit = "vip.complaint"
    # the customer's portal users read the complaint and may post on its thread
    _mail_post_access = "read"

    root_cause = fields.Text(groups="base.group_user")
    corrective_action = fields.Text(groups="base.group_user")
    cancel_reason = fields.Text(groups="base.group_user")
    escalation_level = fields.Integer(groups="base.group_user")
    sla_policy_id = fields.Many2one(groups="base.group_user")
    response_risk_on = fields.Datetime(groups="base.group_user")
    response_escalate_on = fields.Datetime(groups="base.group_user")
    resolution_risk_on = fields.Datetime(groups="base.group_user")
    resolution_escalate_on = fields.Datetime(groups="base.group_user")
    sla_next_check = fields.Datetime(groups="base.group_user")
    # the SLA's machinery and results, the links to internal work: the portal
    # page shows the deadlines, the state and whether the clock is paused
    # (``priority`` stays readable: it orders the complaints, ``_order``)
    tier_id = fields.Many2one(groups="base.group_user")
    is_vip = fields.Boolean(groups="base.group_user")
    calendar_id = fields.Many2one(groups="base.group_user")
    response_hours = fields.Float(groups="base.group_user")
    resolution_hours = fields.Float(groups="base.group_user")
    sla_badge = fields.Char(groups="base.group_user")
    waiting_since = fields.Datetime(groups="base.group_user")
    paused_hours = fields.Float(groups="base.group_user")
    partner_user_id = fields.Many2one(groups="base.group_user")
    visit_id = fields.Many2one(groups="base.group_user")
    meeting_id = fields.Many2one(groups="base.group_user")
    promise_ids = fields.One2many(groups="base.group_user")
    promise_count = fields.Integer(groups="base.group_user")
    portal_paused = fields.Boolean(
        "Paused, Waiting for the Customer",
        compute="_compute_portal_paused",
        help="The resolution clock stands still until the customer answers.",
    )

    def _compute_portal_paused(self):
        for complaint in self:
            complaint.portal_paused = complaint.state == "waiting"
