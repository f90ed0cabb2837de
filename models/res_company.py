from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    vip_window_months = fields.Integer(
        "VIP Revenue Window (months)",
        default=12,
        help="Invoiced revenue of this many past months decides a customer's tier.",
        groups="base.group_user",
    )
    vip_downgrade_grace_days = fields.Integer(
        "VIP Downgrade Grace (days)",
        default=30,
        help="A downgrade waits this many days after the customer's last tier change.",
        groups="base.group_user",
    )
    vip_upgrade_mail = fields.Boolean(
        "E-mail Customers on Upgrade",
        help="Send the customer an e-mail when the evaluation raises its tier.",
        groups="base.group_user",
    )
    vip_at_risk_ratio = fields.Float(
        "Complaint At-Risk Ratio",
        default=0.75,
        help="Share of the allowed business time after which a complaint is at risk.",
        groups="base.group_user",
    )
    vip_promise_reminder_days = fields.Integer(
        "Promise Reminder (days)",
        default=3,
        help="The promiser is reminded this many days before a promise's deadline.",
        groups="base.group_user",
    )
    vip_visit_lead_days = fields.Integer(
        "Visit Planning Lead (days)",
        default=7,
        help="A visit activity is scheduled this many days before a visit is due.",
        groups="base.group_user",
    )
    vip_reopen_days = fields.Integer(
        "Reopen on Reply (days)",
        default=7,
        help="A customer's reply to a complaint resolved no longer ago than this "
        "reopens it; a later reply, or one to a closed complaint, opens a follow-up.",
        groups="base.group_user",
    )
    vip_default_response_hours = fields.Float(
        "Default Response Time (hours)",
        default=8.0,
        help="Business hours to answer a complaint of a customer without tier or "
        "policy.",
        groups="base.group_user",
    )
    vip_default_resolution_hours = fields.Float(
        "Default Resolution Time (hours)",
        default=40.0,
        help="Business hours to solve a complaint of a customer without tier or "
        "policy.",
        groups="base.group_user",
    )
    vip_sla_calendar_id = fields.Many2one(
        "resource.calendar",
        "Complaint Working Hours",
        help="Working hours for complaint deadlines; empty means the company's.",
        groups="base.group_user",
    )
    vip_escalation_user_id = fields.Many2one(
        "res.users",
        "Complaint Escalation Contact",
        domain=[("share", "=", False)],
        help="Notified when a complaint breaches its deadline and its policy names "
        "nobody.",
        groups="base.group_user",
    )

    @api.constrains(
        "vip_window_months",
        "vip_downgrade_grace_days",
        "vip_at_risk_ratio",
        "vip_promise_reminder_days",
        "vip_visit_lead_days",
        "vip_reopen_days",
        "vip_default_response_hours",
        "vip_default_resolution_hours",
    )
    def _check_vip_settings(self):
        for company in self:
            company._vip_check_settings()

    def _vip_check_settings(self):
        if self.vip_window_months < 1:
            raise ValidationError(
                self.env._("The VIP revenue window must be at least one month.")
            )
        if not 0 < self.vip_at_risk_ratio < 1:
            raise ValidationError(
                self.env._(
                    "The complaint at-risk ratio must lie between 0 and 1 "
                    "(for example 0.75)."
                )
            )
        days = (
            self.vip_downgrade_grace_days,
            self.vip_promise_reminder_days,
            self.vip_visit_lead_days,
            self.vip_reopen_days,
        )
        if min(days) < 0:
            raise ValidationError(
                self.env._(
                    "Grace, reminder, visit lead and reopen days cannot be negative."
                )
            )
        if self.vip_default_response_hours <= 0 or (
            self.vip_default_resolution_hours < self.vip_default_response_hours
        ):
            raise ValidationError(
                self.env._(
                    "The default response time must be positive and the default "
                    "resolution time at least as long."
                )
            )

    def _vip_home_customers_domain(self):
        """Partners whose home company this is: their own company, else their
        salesperson's, else the main (first created) company. A customer shared
        between companies is evaluated and assessed in its home company only."""
        self.ensure_one()
        shared_home = [("user_id.company_id", "=", self.id)]
        # sudo: the main company, also outside the caller's companies
        main = self.env["res.company"].sudo().search([], order="id", limit=1)
        if self == main:
            shared_home = ["|", ("user_id", "=", False), *shared_home]
        return [
            "|",
            ("company_id", "=", self.id),
            "&",
            ("company_id", "=", False),
            *shared_home,
        ]

    def _vip_escalation_contact(self):
        """Who follows up when no one else is named: the company's escalation
        contact, else its first VIP manager (empty when there is none)."""
        self.ensure_one()
        if self.vip_escalation_user_id.active:
            return self.vip_escalation_user_id
        return self._vip_managers()[:1]

    def _vip_managers(self):
        """Active internal VIP managers of these companies, oldest first: who approves,
        follows up and receives escalations when nobody is named."""
        group = self.env.ref("partner_vip_care.group_vip_manager")
        # sudo: users of the group, read whatever the caller's access to users
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("all_group_ids", "in", group.id),
                    ("company_ids", "in", self.ids),
                    ("share", "=", False),
                ],
                order="id",
            )
        )

    def _vip_tz(self):
        """The company's time zone: that of its complaint working hours, else of
        its working hours, else of its partner, else UTC. Used for a reader who
        has none (a customer without time zone)."""
        self.ensure_one()
        # sudo: the calendars' time zone, whoever reads (portal users too)
        company = self.sudo()
        return (
            company.vip_sla_calendar_id.tz
            or company.resource_calendar_id.tz
            or company.partner_id.tz
            or "UTC"
        )

    def _vip_reader_lang(self):
        """The company's language: that of its partner, else the caller's."""
        self.ensure_one()
        return self.sudo().partner_id.lang or self.env.lang or "en_US"
