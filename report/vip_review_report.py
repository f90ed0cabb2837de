from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.res_partner_health import LIFECYCLE_STAGES
from .vip_complaint_report import SLA_DEPENDS, SLA_OUTCOME_JOIN, sla_compliance

# Every column of the view, with its value on the rows that do not set it; each
# kind of row below sets its own figures, so that each figure is defined once.
COLUMNS = {
    "id": "NULL::int",
    "kind": "NULL::varchar",
    "res_id": "NULL::int",
    "date": "NULL::date",
    "company_id": "NULL::int",
    "currency_id": "company.currency_id",
    "tier_id": "NULL::int",
    "partner_id": "NULL::int",
    "user_id": "NULL::int",
    "customer_count": "0",
    "revenue": "0",
    "nps": "NULL::float",
    "lifecycle_stage": "NULL::varchar",
    "visit_due_count": "0",
    "promise_decided_count": "0",
    "kept_on_time_rate": "NULL::float",
    "promise_open_count": "0",
    "exposure": "0",
    "complaint_count": "0",
    "response_compliance": "NULL::float",
    "resolution_compliance": "NULL::float",
    "suggestion_decided_count": "0",
    "loop_closure_rate": "NULL::float",
    "visit_count": "0",
    "rhythm_until": "NULL::date",
    "tier_in_count": "0",
    "tier_out_count": "0",
    "channel": "NULL::varchar",
    "team_id": "NULL::int",
    "response_business_hours": "NULL::float",
    "breach_rate": "NULL::float",
    "promoter_asked_count": "0",
    "referral_count": "0",
    "referred_revenue": "0",
    "coupon_issued_count": "0",
    "coupon_used_count": "0",
    "points_earned": "0",
}

# the roster: customers with a tier (companies, or people without a company)
CUSTOMER_ROWS = (
    {
        "id": "p.id * 16 + 7",
        "kind": "'customer'",
        "res_id": "p.id",
        "date": "CURRENT_DATE",
        "company_id": "tier.company_id",
        "tier_id": "p.vip_tier_id",
        "partner_id": "p.id",
        "user_id": "p.user_id",
        "customer_count": "1",
        "revenue": "COALESCE(p.vip_revenue, 0)",
        # promoters 9-10, detractors 0-6: the average is the Net Promoter Score
        "nps": """CASE WHEN p.vip_last_nps_date IS NULL THEN NULL
                       WHEN p.vip_last_nps >= 9 THEN 100.0
                       WHEN COALESCE(p.vip_last_nps, 0) <= 6 THEN -100.0
                       ELSE 0.0 END""",
        "lifecycle_stage": "p.vip_lifecycle_stage",
        "visit_due_count": "CASE WHEN tier.visit_interval_days > 0 THEN 1 ELSE 0 END",
    },
    """FROM res_partner p
       JOIN vip_tier tier ON tier.id = p.vip_tier_id
       JOIN res_company company ON company.id = tier.company_id
      WHERE p.active AND (p.is_company OR p.parent_id IS NULL)""",
)
PROMISE_ROWS = (
    {
        "id": "p.id * 16 + 1",
        "kind": "'promise'",
        "res_id": "p.id",
        "date": "COALESCE(p.done_date, p.deadline, p.submitted_on::date)",
        "company_id": "p.company_id",
        "tier_id": "p.tier_id",
        "partner_id": "p.partner_id",
        "user_id": "p.user_id",
        "promise_decided_count": """CASE WHEN p.state IN ('kept', 'broken') THEN 1
                                         ELSE 0 END""",
        "kept_on_time_rate": """CASE WHEN p.state IN ('kept', 'broken') THEN
                                    CASE WHEN p.kept_on_time THEN 100.0 ELSE 0.0 END
                                END""",
        "promise_open_count": """CASE WHEN p.state IN ('to_approve', 'open') THEN 1
                                      ELSE 0 END""",
        "exposure": "COALESCE(p.exposure, 0)",
    },
    """FROM vip_promise p
       JOIN res_company company ON company.id = p.company_id
      WHERE p.state NOT IN ('draft', 'cancelled')""",
)
COMPLAINT_ROWS = (
    {
        "id": "c.id * 16 + 2",
        "kind": "'complaint'",
        "res_id": "c.id",
        "date": "c.received_on::date",
        "company_id": "c.company_id",
        "tier_id": "c.tier_id",
        "partner_id": "c.commercial_partner_id",
        "user_id": "c.user_id",
        "complaint_count": "1",
        "response_compliance": sla_compliance("response"),
        "resolution_compliance": sla_compliance("resolution"),
        "channel": "c.channel",
        "team_id": "c.team_id",
        "response_business_hours": """CASE WHEN c.responded_on IS NOT NULL
                                           THEN c.response_business_hours END""",
        "breach_rate": "CASE WHEN sla.breached THEN 100.0 ELSE 0.0 END",
    },
    SQL(
        """FROM vip_complaint c
           JOIN res_company company ON company.id = c.company_id
           %s
          WHERE c.state != 'cancelled'""",
        SLA_OUTCOME_JOIN,
    ),
)
SUGGESTION_ROWS = (
    {
        "id": "s.id * 16 + 3",
        "kind": "'suggestion'",
        "res_id": "s.id",
        "date": "s.decided_on::date",
        "company_id": "s.company_id",
        "tier_id": "s.tier_id",
        "partner_id": "s.commercial_partner_id",
        "user_id": "s.user_id",
        "suggestion_decided_count": "1",
        "loop_closure_rate": """CASE WHEN s.response_sent_on IS NOT NULL THEN 100.0
                                     ELSE 0.0 END""",
    },
    """FROM vip_suggestion s
       JOIN res_company company ON company.id = s.company_id
      WHERE s.decided_count = 1""",
)
VISIT_ROWS = (
    {
        "id": "v.id * 16 + 4",
        "kind": "'visit'",
        "res_id": "v.id",
        "date": "v.date",
        "company_id": "v.company_id",
        "tier_id": "v.tier_id",
        "partner_id": "v.partner_id",
        "user_id": "v.user_id",
        "visit_count": "1",
        # an account manager's visit keeps its customer on rhythm for the
        # interval of the customer's tier
        "rhythm_until": """CASE WHEN v.visit_type = 'account_manager'
                                 AND customer_tier.visit_interval_days > 0
                                THEN v.date + customer_tier.visit_interval_days
                           END""",
    },
    """FROM vip_visit v
       JOIN res_company company ON company.id = v.company_id
       LEFT JOIN res_partner customer ON customer.id = v.partner_id
       LEFT JOIN vip_tier customer_tier ON customer_tier.id = customer.vip_tier_id""",
)
TIER_CHANGE_ROWS = (
    {
        "id": "h.id * 16 + t.slot",
        "kind": "'tier_change'",
        "res_id": "h.id",
        "date": "h.date",
        "company_id": "h.company_id",
        "tier_id": "t.tier_id",
        "partner_id": "h.partner_id",
        "user_id": "partner.user_id",
        "tier_in_count": "CASE WHEN t.tier_id = h.new_tier_id THEN 1 ELSE 0 END",
        "tier_out_count": "CASE WHEN t.tier_id = h.old_tier_id THEN 1 ELSE 0 END",
    },
    """FROM vip_tier_history h
       JOIN res_company company ON company.id = h.company_id
       JOIN res_partner partner ON partner.id = h.partner_id
       CROSS JOIN LATERAL (
           VALUES (h.new_tier_id, 5), (h.old_tier_id, 6)
       ) AS t(tier_id, slot)
      WHERE t.tier_id IS NOT NULL""",
)


# Word of mouth (the tier of the promoter, referrer or card holder): a promoter
# asked for a referral (its survey follow-up), a coupon the module gave (a referral
# reward, counted once as a referral on the referrer's side, or a welcome coupon),
# an invoice or refund of a referred customer (on its referrer), the points an
# invoice moved on a card of the company's points program.
PROMOTER_ASKED_ROWS = (
    {
        "id": "sp.id * 16 + 8",
        "kind": "'promoter_asked'",
        "res_id": "sp.id",
        "date": "sp.followup_planned_on::date",
        "company_id": "sp.company_id",
        "tier_id": "sp.tier_id",
        "partner_id": "sp.partner_id",
        "user_id": "sp.user_id",
        "promoter_asked_count": "1",
    },
    """FROM vip_survey_participant sp
       JOIN res_company company ON company.id = sp.company_id
      WHERE sp.category = 'promoter' AND sp.followup_planned_on IS NOT NULL""",
)
COUPON_ROWS = (
    {
        "id": "r.id * 16 + 9",
        "kind": "'coupon'",
        "res_id": "r.id",
        "date": "r.date",
        "company_id": "r.company_id",
        "tier_id": "r.tier_id",
        "partner_id": "r.partner_id",
        "user_id": "partner.user_id",
        "referral_count": "CASE WHEN r.kind = 'referrer' THEN 1 ELSE 0 END",
        "coupon_issued_count": "1",
        "coupon_used_count": """CASE WHEN EXISTS (
                                    SELECT 1 FROM loyalty_history lh
                                     WHERE lh.card_id = r.card_id AND lh.used > 0
                                ) THEN 1 ELSE 0 END""",
    },
    """FROM vip_loyalty_reward r
       JOIN res_company company ON company.id = r.company_id
       JOIN res_partner partner ON partner.id = r.partner_id""",
)
REFERRED_REVENUE_ROWS = (
    {
        "id": "m.id * 16 + 10",
        "kind": "'referred_revenue'",
        "res_id": "m.id",
        "date": "m.invoice_date",
        "company_id": "m.company_id",
        "tier_id": "referrer.vip_tier_id",
        "partner_id": "referrer.id",
        "user_id": "referrer.user_id",
        "referred_revenue": "m.amount_untaxed_signed",
    },
    """FROM account_move m
       JOIN res_partner customer ON customer.id = m.commercial_partner_id
       JOIN res_partner link ON link.id = customer.vip_referred_by_id
       JOIN res_partner referrer ON referrer.id = link.commercial_partner_id
       JOIN res_company company ON company.id = m.company_id
      WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')""",
)
POINTS_ROWS = (
    {
        "id": "lh.id * 16 + 11",
        "kind": "'points'",
        "res_id": "lh.id",
        "date": "lh.create_date::date",
        "company_id": "company.id",
        "tier_id": "partner.vip_tier_id",
        "partner_id": "partner.id",
        "user_id": "partner.user_id",
        "points_earned": "lh.issued - lh.used",
    },
    """FROM loyalty_history lh
       JOIN loyalty_card card ON card.id = lh.card_id
       JOIN res_company company ON company.vip_points_program_id = card.program_id
       JOIN res_partner holder ON holder.id = card.partner_id
       JOIN res_partner partner ON partner.id = holder.commercial_partner_id
      WHERE lh.order_model = 'account.move'""",
)


class VipReviewReport(models.Model):
    """Monthly VIP review: the figures of the workbook's Summary, defined here
    only, as one row per customer of the roster (as of today) and per event (a
    promise decided or still open, a complaint received, a suggestion decided, a
    visit, a tier change), dated, so that graph and pivot group them by month and
    tier. A rate is 100 or 0 on the rows it concerns and empty elsewhere, so its
    average is the share over those rows only."""

    _name = "vip.review.report"
    _description = "Monthly VIP Review"
    _auto = False
    _order = "date desc"
    _rec_name = "kind"
    # what the rows read, flushed before the view is searched
    _depends = {
        **SLA_DEPENDS,
        "res.partner": [
            "active",
            "is_company",
            "parent_id",
            "user_id",
            "vip_tier_id",
            "vip_revenue",
            "vip_last_nps",
            "vip_last_nps_date",
            "vip_lifecycle_stage",
        ],
        "res.company": ["currency_id"],
        "vip.tier": ["company_id", "visit_interval_days"],
        "vip.promise": [
            "company_id",
            "tier_id",
            "partner_id",
            "user_id",
            "state",
            "done_date",
            "deadline",
            "submitted_on",
            "kept_on_time",
            "exposure",
        ],
        "vip.complaint": [
            "company_id",
            "tier_id",
            "commercial_partner_id",
            "user_id",
            "state",
            "received_on",
            "channel",
            "team_id",
            "responded_on",
            "response_business_hours",
        ],
        "vip.suggestion": [
            "company_id",
            "tier_id",
            "commercial_partner_id",
            "user_id",
            "decided_on",
            "decided_count",
            "response_sent_on",
        ],
        "vip.visit": [
            "company_id",
            "tier_id",
            "partner_id",
            "user_id",
            "date",
            "visit_type",
        ],
        "vip.tier.history": [
            "company_id",
            "partner_id",
            "date",
            "new_tier_id",
            "old_tier_id",
        ],
    }

    kind = fields.Selection(
        [
            ("customer", "Customer"),
            ("promise", "Promise"),
            ("complaint", "Complaint"),
            ("suggestion", "Suggestion"),
            ("visit", "Visit"),
            ("tier_change", "Tier Change"),
            ("promoter_asked", "Promoter Asked for a Referral"),
            ("coupon", "Coupon Given"),
            ("referred_revenue", "Referred Revenue"),
            ("points", "Points on Invoices"),
        ],
        readonly=True,
    )
    res_id = fields.Integer(
        "Document ID",
        readonly=True,
        help="The customer, promise, complaint, suggestion, visit or tier change "
        "the row stands for.",
    )
    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    tier_id = fields.Many2one("vip.tier", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    customer_count = fields.Integer("Customers", readonly=True)
    revenue = fields.Monetary("Revenue in Window", readonly=True)
    nps = fields.Float(
        "NPS",
        readonly=True,
        aggregator="avg",
        help="100 for a promoter (9-10), -100 for a detractor (0-6), 0 otherwise, "
        "on the customers who answered: the average is the Net Promoter Score.",
    )
    lifecycle_stage = fields.Selection(LIFECYCLE_STAGES, readonly=True)
    visit_due_count = fields.Integer("Customers Due a Visit", readonly=True)
    promise_decided_count = fields.Integer("Promises Decided", readonly=True)
    kept_on_time_rate = fields.Float(
        "Kept on Time (%)", readonly=True, aggregator="avg"
    )
    promise_open_count = fields.Integer("Open Promises", readonly=True)
    exposure = fields.Monetary("Open Promise Exposure", readonly=True)
    complaint_count = fields.Integer("Complaints", readonly=True)
    response_compliance = fields.Float(
        "Responses on Time (%)", readonly=True, aggregator="avg"
    )
    resolution_compliance = fields.Float(
        "Resolutions on Time (%)", readonly=True, aggregator="avg"
    )
    suggestion_decided_count = fields.Integer("Suggestions Decided", readonly=True)
    loop_closure_rate = fields.Float(
        "Loop Closure (%)", readonly=True, aggregator="avg"
    )
    visit_count = fields.Integer("Visits", readonly=True)
    rhythm_until = fields.Date(
        "On Visit Rhythm Until",
        readonly=True,
        help="An account manager's visit keeps its customer on rhythm until this "
        "day (the visit plus the interval of the customer's tier).",
    )
    channel = fields.Selection(
        selection="_selection_channel",
        readonly=True,
        help="The channel a complaint came through (complaints only).",
    )
    team_id = fields.Many2one("vip.complaint.team", "Complaint Team", readonly=True)
    response_business_hours = fields.Float(
        "Business Hours to Respond", readonly=True, aggregator="avg"
    )
    breach_rate = fields.Float(
        "Complaint Breach Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the complaints with a breach recorded in their SLA history.",
    )
    tier_in_count = fields.Integer("Tier Changes In", readonly=True)
    tier_out_count = fields.Integer("Tier Changes Out", readonly=True)
    # word of mouth (the tier of the promoter, referrer or card holder)
    promoter_asked_count = fields.Integer("Promoters Asked", readonly=True)
    referral_count = fields.Integer("Referrals", readonly=True)
    referred_revenue = fields.Monetary(readonly=True)
    coupon_issued_count = fields.Integer("Coupons Issued", readonly=True)
    coupon_used_count = fields.Integer("Coupons Used", readonly=True)
    points_earned = fields.Float(readonly=True)

    def _selection_channel(self):
        return (
            self.env["vip.complaint"]
            ._fields["channel"]
            ._description_selection(self.env)
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        rows = (
            CUSTOMER_ROWS,
            PROMISE_ROWS,
            COMPLAINT_ROWS,
            SUGGESTION_ROWS,
            VISIT_ROWS,
            TIER_CHANGE_ROWS,
            PROMOTER_ASKED_ROWS,
            COUPON_ROWS,
            REFERRED_REVENUE_ROWS,
            POINTS_ROWS,
        )
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(" UNION ALL ").join(
                    self._select(values, source) for values, source in rows
                ),
            )
        )

    @staticmethod
    def _select(values, source):
        """SELECT of one kind of row: its ``values`` {column: SQL code}, the
        others' defaults, in the order of ``COLUMNS``."""
        return SQL(
            "SELECT %s %s",
            SQL(", ").join(
                SQL(
                    "%s AS %s", SQL(values.get(column, default)), SQL.identifier(column)
                )
                for column, default in COLUMNS.items()
            ),
            SQL(source),
        )
