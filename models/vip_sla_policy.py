from odoo import api, fields, models
from odoo.exceptions import ValidationError

SEVERITIES = [
    ("low", "Low"),
    ("normal", "Normal"),
    ("high", "High"),
    ("critical", "Critical"),
]


class VipSlaPolicy(models.Model):
    _name = "vip.sla.policy"
    _inherit = ["vip.workflow.guard"]
    _description = "Complaint SLA Policy"
    _order = "company_id, sequence, id"

    def _default_calendar_id(self):
        company = self.env.company
        return company.vip_sla_calendar_id or company.resource_calendar_id

    sequence = fields.Integer(
        default=10, help="The first matching policy, in this order, applies."
    )
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    tier_ids = fields.Many2many(
        "vip.tier",
        string="Tiers",
        domain="[('company_id', '=', company_id)]",
        help="Empty: customers of any tier, and customers without tier.",
    )
    severity = fields.Selection(SEVERITIES, help="Empty: any severity.")
    category_ids = fields.Many2many(
        "vip.complaint.category",
        string="Categories",
        help="Empty: any category.",
    )
    response_hours = fields.Float(
        "Response Time (hours)",
        required=True,
        default=8.0,
        help="Business hours allowed for the first answer to the customer.",
    )
    resolution_hours = fields.Float(
        "Resolution Time (hours)",
        required=True,
        default=40.0,
        help="Business hours allowed to solve the complaint, waiting time excluded.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        "Working Hours",
        default=lambda self: self._default_calendar_id(),
        help="Business hours and public holidays of the deadlines; empty means the "
        "company's complaint working hours.",
    )
    escalation_user_id = fields.Many2one(
        "res.users",
        "Escalate To",
        domain=[("share", "=", False)],
        help="Notified first when a complaint of this policy breaches a deadline; "
        "empty means the company's escalation contact.",
    )
    complaint_count = fields.Integer("Complaints", compute="_compute_complaint_count")

    _hours_positive = models.Constraint(
        "CHECK(response_hours > 0 AND resolution_hours >= response_hours)",
        "The response time must be positive and the resolution time at least as "
        "long as the response time.",
    )

    @api.depends("name")
    def _compute_complaint_count(self):
        counts = dict(
            self.env["vip.complaint"]._read_group(
                [("sla_policy_id", "in", self.ids)], ["sla_policy_id"], ["__count"]
            )
        )
        for policy in self:
            policy.complaint_count = counts.get(policy, 0)

    @api.constrains("tier_ids", "company_id")
    def _check_tier_company(self):
        for policy in self:
            if policy.tier_ids.company_id - policy.company_id:
                raise ValidationError(
                    self.env._(
                        "SLA policy %(policy)s: its tiers must belong to its company "
                        "%(company)s.",
                        policy=policy.name,
                        company=policy.company_id.name,
                    )
                )

    def _matches(self, tier, severity, category):
        """Whether this policy applies to a complaint with these values."""
        self.ensure_one()
        return (
            (not self.tier_ids or tier in self.tier_ids)
            and (not self.severity or self.severity == severity)
            and (not self.category_ids or category in self.category_ids)
        )

    def _get_calendar(self):
        """Working hours of this policy, else of the company's complaints, else the
        company's working hours."""
        self.ensure_one()
        return (
            self.calendar_id
            or self.company_id.vip_sla_calendar_id
            or self.company_id.resource_calendar_id
        )
