from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.res_partner_health import LIFECYCLE_STAGES


class VipHealthReport(models.Model):
    """Customer health per month: one row per monthly snapshot, next to the stage of
    the month before. The churn rate is left empty (NULL) for customers that were
    not active at the start of the month, so that its average is the share of the
    active customers that became lapsed or lost during the month."""

    _name = "vip.health.report"
    _description = "VIP Customer Health Analysis"
    _auto = False
    _order = "month desc"
    _rec_name = "partner_id"

    month = fields.Date(readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    tier_id = fields.Many2one("vip.tier", "VIP Tier", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    stage = fields.Selection(LIFECYCLE_STAGES, readonly=True)
    previous_stage = fields.Selection(
        LIFECYCLE_STAGES,
        "Stage the Month Before",
        readonly=True,
        help="Stage of the customer's snapshot of the previous month.",
    )
    score = fields.Float("Health Score", readonly=True, aggregator="avg")
    tenure_months = fields.Float(
        "Average Tenure (months)",
        readonly=True,
        aggregator="avg",
        help="Months from the first invoice to the end of the month.",
    )
    churn_rate = fields.Float(
        "Churn Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Customers that became lapsed or lost during the month, against the "
        "customers active at its start.",
    )
    active_start_count = fields.Integer("Active at Start", readonly=True)
    churned_count = fields.Integer("Churned", readonly=True)
    won_back_count = fields.Integer("Won Back", readonly=True)

    def _query(self):
        return """
            SELECT h.id,
                   h.month,
                   h.partner_id,
                   h.company_id,
                   h.tier_id,
                   partner.user_id,
                   h.stage,
                   prev.stage AS previous_stage,
                   h.score,
                   ((h.month + interval '1 month')::date - 1 - h.first_invoice_date)
                       / 30.4375 AS tenure_months,
                   CASE WHEN prev.stage IN ('new', 'active', 'at_risk', 'won_back')
                        THEN CASE WHEN h.stage IN ('lapsed', 'lost') THEN 100.0
                                  ELSE 0.0 END
                   END AS churn_rate,
                   COALESCE(prev.stage IN ('new', 'active', 'at_risk', 'won_back'),
                            FALSE)::int AS active_start_count,
                   COALESCE(prev.stage IN ('new', 'active', 'at_risk', 'won_back')
                            AND h.stage IN ('lapsed', 'lost'), FALSE)::int
                       AS churned_count,
                   (h.stage = 'won_back'
                    AND prev.stage IS DISTINCT FROM 'won_back')::int AS won_back_count
              FROM vip_health_history h
              JOIN res_partner partner ON partner.id = h.partner_id
              LEFT JOIN vip_health_history prev
                     ON prev.partner_id = h.partner_id
                    AND prev.month = (h.month - interval '1 month')::date
        """

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(self._query()),
            )
        )
