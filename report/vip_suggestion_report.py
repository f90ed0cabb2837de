from odoo import fields, models
from odoo.tools import SQL


class VipSuggestionReport(models.Model):
    """One row per suggestion with the loop-closure figures as columns whose
    average is the rate: NULL where a rate does not apply (undecided
    suggestions), so that averages count decided suggestions only."""

    _name = "vip.suggestion.report"
    _description = "VIP Suggestion Analysis"
    _auto = False
    _order = "raised_on desc"
    _depends = {
        "vip.suggestion": [
            "active",
            "commercial_partner_id",
            "tier_id",
            "user_id",
            "meeting_id",
            "company_id",
            "category",
            "state",
            "raised_on",
            "decided_on",
            "response_sent_on",
            "supporter_count",
            "decided_count",
            "adopted_count",
            "replied_count",
            "days_to_reply",
        ],
    }

    suggestion_id = fields.Many2one("vip.suggestion", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    tier_id = fields.Many2one("vip.tier", "VIP Tier", readonly=True)
    user_id = fields.Many2one("res.users", "Owner", readonly=True)
    meeting_id = fields.Many2one("vip.meeting", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    category = fields.Selection(
        lambda self: self.env["vip.suggestion"]._fields["category"].selection,
        readonly=True,
    )
    state = fields.Selection(
        lambda self: self.env["vip.suggestion"]._fields["state"].selection,
        readonly=True,
    )
    raised_on = fields.Datetime(readonly=True)
    decided_on = fields.Datetime(readonly=True)
    response_sent_on = fields.Datetime("Reply Sent On", readonly=True)
    suggestion_count = fields.Integer("Suggestions", readonly=True, aggregator="sum")
    supporter_count = fields.Integer("Supporters", readonly=True, aggregator="sum")
    decided_count = fields.Integer("Decided", readonly=True, aggregator="sum")
    adopted_count = fields.Integer("Adopted", readonly=True, aggregator="sum")
    replied_count = fields.Integer("Replied", readonly=True, aggregator="sum")
    adoption_rate = fields.Float(
        "Adoption Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Accepted or implemented, out of the decided suggestions.",
    )
    closure_rate = fields.Float(
        "Loop-closure Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Replied to the customer, out of the decided suggestions.",
    )
    days_to_reply = fields.Float(
        "Days to Reply",
        readonly=True,
        aggregator="avg",
        help="Days between raising the suggestion and sending the reply.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT s.id AS id,
                   s.id AS suggestion_id,
                   s.commercial_partner_id AS partner_id,
                   s.tier_id,
                   s.user_id,
                   s.meeting_id,
                   s.company_id,
                   s.category,
                   s.state,
                   s.raised_on,
                   s.decided_on,
                   s.response_sent_on,
                   1 AS suggestion_count,
                   s.supporter_count,
                   s.decided_count,
                   s.adopted_count,
                   s.replied_count,
                   CASE WHEN s.decided_count = 1
                        THEN 100.0 * s.adopted_count END AS adoption_rate,
                   CASE WHEN s.decided_count = 1
                        THEN 100.0 * s.replied_count END AS closure_rate,
                   CASE WHEN s.response_sent_on IS NOT NULL
                        THEN s.days_to_reply END AS days_to_reply
              FROM vip_suggestion s
             WHERE s.active IS TRUE
            """
        )
