from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .res_partner_health import LIFECYCLE_STAGES


class VipHealthHistory(models.Model):
    """Monthly snapshot of a customer's health: the nightly job keeps the row of the
    current month up to date, so that a closed month holds its last state."""

    _name = "vip.health.history"
    _inherit = ["vip.workflow.guard"]
    _description = "VIP Customer Health Snapshot"
    _order = "month desc, partner_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    month = fields.Date(
        required=True, readonly=True, index=True, help="First day of the month."
    )
    score = fields.Integer("Health Score", readonly=True, aggregator="avg")
    stage = fields.Selection(LIFECYCLE_STAGES, "Lifecycle Stage", readonly=True)
    tier_id = fields.Many2one(
        "vip.tier", "VIP Tier", readonly=True, ondelete="set null"
    )
    first_invoice_date = fields.Date("Customer Since", readonly=True)

    _partner_month_unique = models.Constraint(
        "UNIQUE(partner_id, month)",
        "A customer has one health snapshot per month.",
    )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su:
            raise UserError(
                self.env._("The health history is a log: its rows cannot be deleted.")
            )

    @api.model
    def _vip_snapshot(self, company, today, partner_ids):
        """Insert or update the current month's row of ``partner_ids`` (commercial
        partners with a stage), only where score, stage or tier differ: one
        statement."""
        if not partner_ids:
            return
        self.env["res.partner"].flush_model(
            ["vip_health_score", "vip_lifecycle_stage", "vip_tier_id"]
        )
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO vip_health_history AS h (
                    partner_id, company_id, month, score, stage, tier_id,
                    first_invoice_date, create_uid, write_uid, create_date, write_date)
                SELECT p.id, %(company)s, %(month)s, p.vip_health_score,
                       p.vip_lifecycle_stage, p.vip_tier_id, p.vip_first_invoice_date,
                       %(uid)s, %(uid)s, now() at time zone 'utc',
                       now() at time zone 'utc'
                  FROM res_partner p
                 WHERE p.id = ANY(%(ids)s) AND p.vip_lifecycle_stage IS NOT NULL
                ON CONFLICT (partner_id, month) DO UPDATE
                   SET score = EXCLUDED.score, stage = EXCLUDED.stage,
                       tier_id = EXCLUDED.tier_id,
                       first_invoice_date = EXCLUDED.first_invoice_date,
                       company_id = EXCLUDED.company_id,
                       write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                 WHERE (h.score, h.stage, h.tier_id, h.first_invoice_date,
                        h.company_id)
                       IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.stage,
                                         EXCLUDED.tier_id, EXCLUDED.first_invoice_date,
                                         EXCLUDED.company_id)
                """,
                company=company.id,
                month=today.replace(day=1),
                uid=self.env.uid,
                ids=list(partner_ids),
            )
        )
        self.invalidate_model()
