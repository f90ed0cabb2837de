from odoo import fields, models, tools
from odoo.tools import SQL

from .vip_complaint_report import SLA_DEPENDS, SLA_OUTCOME_JOIN, sla_compliance

# Word of mouth, one row per event: a promoter asked for a referral (its survey
# follow-up), a coupon the module gave (a referral reward, counted once as a
# referral on the referrer's side, or a welcome coupon), an invoice or refund of a
# referred customer (on its referrer), the points an invoice moved on a card of
# the company's points program. Columns: id, kind, date, company, currency, tier,
# customer, salesperson, then the six word-of-mouth measures.
WORD_OF_MOUTH_ROWS = """
    SELECT sp.id * 10 + 7 AS id, 'promoter_asked' AS kind,
           sp.followup_planned_on::date AS date, sp.company_id,
           company.currency_id, sp.tier_id, sp.partner_id, sp.user_id,
           1 AS promoter_asked_count, 0 AS referral_count,
           0.0 AS referred_revenue, 0 AS coupon_issued_count,
           0 AS coupon_used_count, 0.0 AS points_earned
      FROM vip_survey_participant sp
      JOIN res_company company ON company.id = sp.company_id
     WHERE sp.category = 'promoter' AND sp.followup_planned_on IS NOT NULL
    UNION ALL
    SELECT r.id * 10 + 8, 'coupon', r.date, r.company_id, company.currency_id,
           r.tier_id, r.partner_id, partner.user_id, 0,
           CASE WHEN r.kind = 'referrer' THEN 1 ELSE 0 END, 0.0, 1,
           CASE WHEN EXISTS (
               SELECT 1 FROM loyalty_history h
                WHERE h.card_id = r.card_id AND h.used > 0
           ) THEN 1 ELSE 0 END,
           0.0
      FROM vip_loyalty_reward r
      JOIN res_company company ON company.id = r.company_id
      JOIN res_partner partner ON partner.id = r.partner_id
    UNION ALL
    SELECT m.id * 10 + 9, 'referred_revenue', m.invoice_date, m.company_id,
           company.currency_id, referrer.vip_tier_id, referrer.id,
           referrer.user_id, 0, 0, m.amount_untaxed_signed, 0, 0, 0.0
      FROM account_move m
      JOIN res_partner customer ON customer.id = m.commercial_partner_id
      JOIN res_partner link ON link.id = customer.vip_referred_by_id
      JOIN res_partner referrer ON referrer.id = link.commercial_partner_id
      JOIN res_company company ON company.id = m.company_id
     WHERE m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
    UNION ALL
    SELECT h.id * 10, 'points', h.create_date::date, company.id,
           company.currency_id, partner.vip_tier_id, partner.id, partner.user_id,
           0, 0, 0.0, 0, 0, h.issued - h.used
      FROM loyalty_history h
      JOIN loyalty_card c ON c.id = h.card_id
      JOIN res_company company ON company.vip_points_program_id = c.program_id
      JOIN res_partner holder ON holder.id = c.partner_id
      JOIN res_partner partner ON partner.id = holder.commercial_partner_id
     WHERE h.order_model = 'account.move'
"""


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
    _depends = SLA_DEPENDS

    kind = fields.Selection(
        [
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
    tier_in_count = fields.Integer("Tier Changes In", readonly=True)
    tier_out_count = fields.Integer("Tier Changes Out", readonly=True)
    # word of mouth (the tier of the promoter, referrer or card holder)
    promoter_asked_count = fields.Integer("Promoters Asked", readonly=True)
    referral_count = fields.Integer("Referrals", readonly=True)
    referred_revenue = fields.Monetary(readonly=True)
    coupon_issued_count = fields.Integer("Coupons Issued", readonly=True)
    coupon_used_count = fields.Integer("Coupons Used", readonly=True)
    points_earned = fields.Float(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %s AS (
                SELECT e.*, 0 AS promoter_asked_count, 0 AS referral_count,
                       0.0 AS referred_revenue, 0 AS coupon_issued_count,
                       0 AS coupon_used_count, 0.0 AS points_earned
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
                           0 AS visit_count, 0 AS tier_in_count, 0 AS tier_out_count
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
                           0, NULL, 0, 0, 0
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
                           0, 0, 0
                      FROM vip_suggestion s
                      JOIN res_company company ON company.id = s.company_id
                     WHERE s.decided_count = 1
                    UNION ALL
                    SELECT v.id * 10 + 4, 'visit', v.date, v.company_id,
                           company.currency_id,
                           v.tier_id, v.partner_id, v.user_id, 0, NULL, 0, 0, 0,
                           NULL, NULL, 0, NULL, 1, 0, 0
                      FROM vip_visit v
                      JOIN res_company company ON company.id = v.company_id
                    UNION ALL
                    SELECT h.id * 10 + t.slot, 'tier_change', h.date, h.company_id,
                           company.currency_id,
                           t.tier_id, h.partner_id, partner.user_id, 0, NULL, 0, 0,
                           0, NULL, NULL, 0, NULL, 0,
                           CASE WHEN t.tier_id = h.new_tier_id THEN 1 ELSE 0 END,
                           CASE WHEN t.tier_id = h.old_tier_id THEN 1 ELSE 0 END
                      FROM vip_tier_history h
                      JOIN res_company company ON company.id = h.company_id
                      JOIN res_partner partner ON partner.id = h.partner_id
                      CROSS JOIN LATERAL (
                          VALUES (h.new_tier_id, 5), (h.old_tier_id, 6)
                      ) AS t(tier_id, slot)
                     WHERE t.tier_id IS NOT NULL
                  ) AS e
                UNION ALL
                SELECT w.id, w.kind, w.date, w.company_id, w.currency_id, w.tier_id,
                       w.partner_id, w.user_id, 0, NULL, 0, 0, 0, NULL, NULL, 0,
                       NULL, 0, 0, 0, w.promoter_asked_count, w.referral_count,
                       w.referred_revenue, w.coupon_issued_count,
                       w.coupon_used_count, w.points_earned
                  FROM (%s) AS w
            )
            """,
                SQL.identifier(self._table),
                sla_compliance("response"),
                sla_compliance("resolution"),
                SLA_OUTCOME_JOIN,
                SQL(WORD_OF_MOUTH_ROWS),
            )
        )
