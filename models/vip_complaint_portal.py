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
    portal_paused = fields.Boolean(
        "Paused, Waiting for the Customer",
        compute="_compute_portal_paused",
        help="The resolution clock stands still until the customer answers.",
    )

    def _compute_portal_paused(self):
        for complaint in self:
            complaint.portal_paused = complaint.state == "waiting"
