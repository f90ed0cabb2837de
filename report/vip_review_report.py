from odoo import fields, models, tools
from odoo.tools import SQL

from .vip_complaint_report import SLA_DEPENDS, SLA_OUTCOME_JOIN, sla_compliance


class VipReviewReport(models.Model):
    """Monthly VIP review: the workbook's Summary figures as one row per event (a
    promise decided or still open, a complaint received, a suggestion decided, a
    visit, a tier change), dated, so that graph and pivot group them by month and
    tier. A rate is 100 or 0 on the rows it concerns and empty elsewhere, so its
    average is the share over those rows only."""

    _name = "vip.review.report"
    _description = "Monthly VIP Review"
    _auto = False
    _order = "date desc"
    _rec_name = "kind"
    _depends = {
        **SLA_DEPENDS,
        "vip.complaint": [
            "channel",
            "team_id",
            "responded_on",
            "response_business_hours",
        ],
    }

    kind = fields.Selection(
        [
            ("promise", "Promise"),
            ("complaint", "Complaint"),
            ("suggestion", "Suggestion"),
            ("visit", "Visit"),
            ("tier_change", "Tier Change"),
        ],
        readonly=True,
    )
    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    tier_id = fields.Many2one("vip.tier", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
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

    def _selection_channel(self):
        return (
            self.env["vip.complaint"]
            ._fields["channel"]
            ._description_selection(self.env)
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %s AS (
                SELECT e.*
                  FROM (
                    SELECT p.id * 10 + 1 AS id, 'promise' AS kind,
                           COALESCE(p.done_date, p.deadline,
                                    p.submitted_on::date) AS date,
                           p.company_id, company.currency_id,
                           p.tier_id, p.partner_id, p.user_id,
                           CASE WHEN p.state IN ('kept', 'broken') THEN 1 ELSE 0 END
                               AS promise_decided_count,
                           CASE WHEN p.state IN ('kept', 'broken') THEN
                               CASE WHEN p.kept_on_time THEN 100.0 ELSE 0.0 END
                           END AS kept_on_time_rate,
                           CASE WHEN p.state IN ('to_approve', 'open') THEN 1 ELSE 0
                           END AS promise_open_count,
                           COALESCE(p.exposure, 0) AS exposure,
                           0 AS complaint_count,
                           NULL::float AS response_compliance,
                           NULL::float AS resolution_compliance,
                           0 AS suggestion_decided_count,
                           NULL::float AS loop_closure_rate,
                           0 AS visit_count, 0 AS tier_in_count, 0 AS tier_out_count,
                           NULL::varchar AS channel, NULL::integer AS team_id,
                           NULL::float AS response_business_hours,
                           NULL::float AS breach_rate
                      FROM vip_promise p
                      JOIN res_company company ON company.id = p.company_id
                     WHERE p.state NOT IN ('draft', 'cancelled')
                    UNION ALL
                    SELECT c.id * 10 + 2, 'complaint', c.received_on::date,
                           c.company_id,
                           company.currency_id, c.tier_id, c.commercial_partner_id,
                           c.user_id, 0, NULL, 0, 0, 1,
                           %s,
                           %s,
                           0, NULL, 0, 0, 0,
                           c.channel, c.team_id,
                           CASE WHEN c.responded_on IS NOT NULL
                                THEN c.response_business_hours END,
                           CASE WHEN sla.breached THEN 100.0 ELSE 0.0 END
                      FROM vip_complaint c
                      JOIN res_company company ON company.id = c.company_id
                      %s
                     WHERE c.state != 'cancelled'
                    UNION ALL
                    SELECT s.id * 10 + 3, 'suggestion', s.decided_on::date,
                           s.company_id,
                           company.currency_id, s.tier_id, s.commercial_partner_id,
                           s.user_id, 0, NULL, 0, 0, 0, NULL, NULL, 1,
                           CASE WHEN s.response_sent_on IS NOT NULL THEN 100.0
                                ELSE 0.0 END,
                           0, 0, 0, NULL, NULL, NULL, NULL
                      FROM vip_suggestion s
                      JOIN res_company company ON company.id = s.company_id
                     WHERE s.decided_count = 1
                    UNION ALL
                    SELECT v.id * 10 + 4, 'visit', v.date, v.company_id,
                           company.currency_id,
                           v.tier_id, v.partner_id, v.user_id, 0, NULL, 0, 0, 0,
                           NULL, NULL, 0, NULL, 1, 0, 0, NULL, NULL, NULL, NULL
                      FROM vip_visit v
                      JOIN res_company company ON company.id = v.company_id
                    UNION ALL
                    SELECT h.id * 10 + t.slot, 'tier_change', h.date, h.company_id,
                           company.currency_id,
                           t.tier_id, h.partner_id, partner.user_id, 0, NULL, 0, 0,
                           0, NULL, NULL, 0, NULL, 0,
                           CASE WHEN t.tier_id = h.new_tier_id THEN 1 ELSE 0 END,
                           CASE WHEN t.tier_id = h.old_tier_id THEN 1 ELSE 0 END,
                           NULL, NULL, NULL, NULL
                      FROM vip_tier_history h
                      JOIN res_company company ON company.id = h.company_id
                      JOIN res_partner partner ON partner.id = h.partner_id
                      CROSS JOIN LATERAL (
                          VALUES (h.new_tier_id, 5), (h.old_tier_id, 6)
                      ) AS t(tier_id, slot)
                     WHERE t.tier_id IS NOT NULL
                  ) AS e
            )
            """,
                SQL.identifier(self._table),
                sla_compliance("response"),
                sla_compliance("resolution"),
                SLA_OUTCOME_JOIN,
            )
        )
