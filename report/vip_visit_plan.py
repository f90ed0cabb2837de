from odoo import fields, models
from odoo.tools import SQL


class VipVisitPlan(models.Model):
    """The visit plan as a calendar: one row per customer and kind of visit due
    (account manager, management), on its due date, an overdue visit on today.
    Read from the customers' next visit dates, which the visits and the tiers'
    intervals keep up to date: nothing to plan by hand, nothing to keep in step."""

    _name = "vip.visit.plan"
    _description = "VIP Visit Plan"
    _auto = False
    _order = "date, partner_id"
    _rec_name = "partner_id"
    _depends = {
        "res.partner": [
            "active",
            "company_id",
            "user_id",
            "vip_tier_id",
            "vip_next_visit_date",
            "vip_next_management_visit_date",
        ],
        "res.company": ["vip_escalation_user_id"],
    }

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    kind = fields.Selection(
        [
            ("account_manager", "Account Manager Visit"),
            ("management", "Management Visit"),
        ],
        "Visit",
        readonly=True,
    )
    date = fields.Date(
        "Planned on",
        readonly=True,
        help="The due date; an overdue visit shows on today.",
    )
    due_date = fields.Date("Due", readonly=True)
    overdue = fields.Boolean(readonly=True)
    user_id = fields.Many2one("res.users", "Visited By", readonly=True)
    tier_id = fields.Many2one("vip.tier", "VIP Tier", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT p.id * 2 AS id,
                   p.id AS partner_id,
                   'account_manager' AS kind,
                   GREATEST(p.vip_next_visit_date, CURRENT_DATE) AS date,
                   p.vip_next_visit_date AS due_date,
                   p.vip_next_visit_date < CURRENT_DATE AS overdue,
                   p.user_id,
                   p.vip_tier_id AS tier_id,
                   COALESCE(p.company_id, u.company_id) AS company_id
              FROM res_partner p
              LEFT JOIN res_users u ON u.id = p.user_id
             WHERE p.active IS TRUE AND p.vip_next_visit_date IS NOT NULL
            UNION ALL
            SELECT p.id * 2 + 1 AS id,
                   p.id AS partner_id,
                   'management' AS kind,
                   GREATEST(p.vip_next_management_visit_date, CURRENT_DATE) AS date,
                   p.vip_next_management_visit_date AS due_date,
                   p.vip_next_management_visit_date < CURRENT_DATE AS overdue,
                   COALESCE(c.vip_escalation_user_id, p.user_id) AS user_id,
                   p.vip_tier_id AS tier_id,
                   COALESCE(p.company_id, u.company_id) AS company_id
              FROM res_partner p
              LEFT JOIN res_users u ON u.id = p.user_id
              LEFT JOIN res_company c ON c.id = COALESCE(p.company_id, u.company_id)
             WHERE p.active IS TRUE AND p.vip_next_management_visit_date IS NOT NULL
            """
        )
