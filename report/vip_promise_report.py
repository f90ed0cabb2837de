from odoo import fields, models, tools
from odoo.tools import SQL


class VipPromiseReport(models.Model):
    """Promise analysis: one row per submitted promise, with the kept-on-time rate
    left empty (NULL) for promises not decided yet, so that its average is the
    share of decided promises kept on time."""

    _name = "vip.promise.report"
    _description = "VIP Promise Analysis"
    _auto = False
    _rec_name = "name"
    _order = "deadline desc"

    promise_id = fields.Many2one("vip.promise", readonly=True)
    name = fields.Char("Reference", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Promised by", readonly=True)
    tier_id = fields.Many2one("vip.tier", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    promise_type = fields.Selection(
        lambda self: self.env["vip.promise"]._fields["promise_type"].selection,
        "Type",
        readonly=True,
    )
    state = fields.Selection(
        lambda self: self.env["vip.promise"]._fields["state"].selection,
        readonly=True,
    )
    deadline = fields.Date(readonly=True)
    done_date = fields.Date("Closed on", readonly=True)
    kept_on_time_rate = fields.Float(
        "Kept on Time (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the decided promises (kept or broken) kept by their deadline.",
    )
    decided_count = fields.Integer("Decided", readonly=True)
    kept_on_time_count = fields.Integer("Kept on Time", readonly=True)
    kept_late_count = fields.Integer("Kept Late", readonly=True)
    broken_count = fields.Integer("Broken", readonly=True)
    open_count = fields.Integer("Still Open", readonly=True)
    exposure = fields.Monetary(
        "Open Exposure",
        readonly=True,
        help="Value of the promises still to keep, in company currency.",
    )

    def _query(self):
        return """
            SELECT p.id,
                   p.id AS promise_id,
                   p.name,
                   p.partner_id,
                   p.user_id,
                   COALESCE(p.tier_id, partner.vip_tier_id) AS tier_id,
                   p.company_id,
                   company.currency_id,
                   p.promise_type,
                   p.state,
                   p.deadline,
                   p.done_date,
                   CASE WHEN p.state IN ('kept', 'broken')
                        THEN CASE WHEN p.kept_on_time THEN 100.0 ELSE 0.0 END
                   END AS kept_on_time_rate,
                   (p.state IN ('kept', 'broken'))::int AS decided_count,
                   COALESCE(p.kept_on_time, FALSE)::int AS kept_on_time_count,
                   COALESCE(p.kept_late, FALSE)::int AS kept_late_count,
                   (p.state = 'broken')::int AS broken_count,
                   (p.state IN ('to_approve', 'open'))::int AS open_count,
                   COALESCE(p.exposure, 0.0) AS exposure
              FROM vip_promise p
              JOIN res_company company ON company.id = p.company_id
              JOIN res_partner partner ON partner.id = p.partner_id
             WHERE p.state NOT IN ('draft', 'cancelled')
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
