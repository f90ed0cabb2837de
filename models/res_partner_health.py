from odoo import api, fields, models
from odoo.tools import format_date

LIFECYCLE_STAGES = [
    # labels apart from the complaint's "New" and "At Risk", translated otherwise
    ("new", "New Customer"),
    ("active", "Active Customer"),
    ("at_risk", "At-Risk"),
    ("lapsed", "Lapsed"),
    ("won_back", "Won Back"),
    ("lost", "Lost"),
]
CHURNED_STAGES = ("lapsed", "lost")
# days a customer stays "new" after its first invoice, "won back" after its return
VIP_NEW_DAYS = 90
VIP_WON_BACK_DAYS = 90
# complaints and promises count over this many past days
VIP_HEALTH_LOOKBACK_DAYS = 90
# customers written (and committed by the cron) at once
VIP_HEALTH_BATCH = 5000
# this many breached complaints or broken promises cost the component's whole weight
VIP_HEALTH_INCIDENTS_FULL = 3

HEALTH_FIELDS = [
    "vip_health_score",
    "vip_health_factors",
    "vip_lifecycle_stage",
    "vip_stage_since",
    "vip_order_interval_days",
    "vip_last_invoice_date",
    "vip_first_invoice_date",
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    vip_health_score = fields.Integer(
        "Health Score",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="0–100, computed every night: 100 less the points lost to each "
        "component (recency, revenue trend, breached complaints, broken promises, "
        "last NPS, overdue visits), weighted as in the settings.",
        groups="base.group_user",
    )
    vip_health_factors = fields.Char(
        "Health Factors",
        readonly=True,
        copy=False,
        help="What lowered the score, as codes: the reasons put it in words.",
        groups="base.group_user",
    )
    vip_health_reasons = fields.Text(
        "Health Reasons",
        compute="_compute_vip_health_reasons",
        help="What lowered the health score, with the points each cost.",
        groups="base.group_user",
    )
    vip_lifecycle_stage = fields.Selection(
        LIFECYCLE_STAGES,
        "Lifecycle Stage",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="New: first invoice less than 90 days ago. At risk: health score below "
        "the settings' threshold. Lapsed: no invoice for the lapse factor times the "
        "usual order interval. Won back: invoicing again after a lapse. Lost: no "
        "invoice for the settings' lost days.",
        groups="base.group_user",
    )
    vip_stage_since = fields.Date(
        "Stage Since", readonly=True, copy=False, groups="base.group_user"
    )
    vip_order_interval_days = fields.Float(
        "Usual Order Interval (days)",
        readonly=True,
        copy=False,
        digits=(16, 1),
        help="Median number of days between the customer's posted invoices.",
        groups="base.group_user",
    )
    vip_last_invoice_date = fields.Date(
        "Last Invoice", readonly=True, copy=False, groups="base.group_user"
    )
    vip_first_invoice_date = fields.Date(
        "Customer Since",
        readonly=True,
        copy=False,
        help="Date of the first posted invoice: the start of the tenure.",
        groups="base.group_user",
    )
    vip_days_since_invoice = fields.Integer(
        "Days Since Last Invoice",
        compute="_compute_vip_invoice_days",
        groups="base.group_user",
    )
    vip_tenure_days = fields.Integer(
        "Tenure (days)",
        compute="_compute_vip_invoice_days",
        groups="base.group_user",
    )
    vip_estimated_potential = fields.Monetary(
        "Estimated Potential",
        currency_field="vip_currency_id",
        copy=False,
        help="What the customer spends in the revenue window on what we sell, with "
        "us and with competitors: the share of wallet is our revenue against it.",
        groups="base.group_user",
    )
    vip_share_of_wallet = fields.Float(
        "Share of Wallet (%)",
        compute="_compute_vip_share_of_wallet",
        digits=(16, 1),
        help="Revenue in the window against the estimated potential.",
        groups="base.group_user",
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            *HEALTH_FIELDS,
            "vip_estimated_potential",
        ]

    @api.depends_context("lang")
    @api.depends(
        "vip_health_factors", "vip_order_interval_days", "vip_last_invoice_date"
    )
    def _compute_vip_health_reasons(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.vip_health_reasons = "\n".join(
                partner._vip_health_reason_lines(today)
            )

    def _vip_health_reason_lines(self, today):
        lines = []
        for factor in (self.vip_health_factors or "").split(";"):
            if not factor:
                continue
            code, points, argument = factor.split(":", 2)
            text = self._vip_health_reason_text(code, argument, today)
            lines.append(
                self.env._("%(reason)s (−%(points)s)", reason=text, points=points)
            )
        return lines

    def _vip_health_reason_text(self, code, argument, today):
        if code == "recency":
            days = (today - self.vip_last_invoice_date).days
            if self.vip_order_interval_days:
                return self.env._(
                    "no invoice for %(days)s days, usually every %(interval)s",
                    days=days,
                    interval=round(self.vip_order_interval_days),
                )
            return self.env._(
                "no invoice for %(days)s days (a single invoice so far)", days=days
            )
        if code == "trend":
            return self.env._(
                "revenue down %(percent)s%% on the previous window", percent=argument
            )
        if code == "complaints":
            return self.env._(
                "%(count)s breached complaint(s) in %(days)s days",
                count=argument,
                days=VIP_HEALTH_LOOKBACK_DAYS,
            )
        if code == "promises":
            return self.env._(
                "%(count)s broken promise(s) in %(days)s days",
                count=argument,
                days=VIP_HEALTH_LOOKBACK_DAYS,
            )
        if code == "nps":
            return self.env._("last NPS answer %(score)s/10", score=argument)
        if code == "visits":
            return self.env._(
                "planned visit overdue since %(date)s",
                date=format_date(self.env, fields.Date.to_date(argument)),
            )
        return code

    @api.depends_context("tz")
    @api.depends("vip_last_invoice_date", "vip_first_invoice_date")
    def _compute_vip_invoice_days(self):
        today = fields.Date.context_today(self)
        for partner in self:
            last, first = partner.vip_last_invoice_date, partner.vip_first_invoice_date
            partner.vip_days_since_invoice = (today - last).days if last else 0
            partner.vip_tenure_days = (today - first).days if first else 0

    @api.depends("vip_revenue", "vip_estimated_potential")
    def _compute_vip_share_of_wallet(self):
        for partner in self:
            potential = partner.vip_estimated_potential
            partner.vip_share_of_wallet = (
                partner.vip_revenue / potential * 100 if potential > 0 else 0.0
            )

    # ------------------------------------------------------------------
    # Nightly job
    # ------------------------------------------------------------------

    @api.model
    def _cron_vip_health(self):
        # sudo: every company's customers, whoever the cron runs as
        for company in self.env["res.company"].sudo().search([]):
            _changed, stopped = self.with_company(company)._vip_health_company()
            if stopped:
                return

    @api.model
    def _vip_compute_health(self, partners=None, today=None):
        """Health score, reasons, order interval and lifecycle stage of ``partners``
        (default: every customer whose home company is the current one), in one
        pass of grouped queries; only changed values are written. Returns the
        partners whose stage changed."""
        return self._vip_health_company(partners, today)[0]

    def action_vip_compute_health(self):
        self.check_access("read")
        self.commercial_partner_id._vip_compute_health(self.commercial_partner_id)
        return {"type": "ir.actions.client", "tag": "soft_reload"}
