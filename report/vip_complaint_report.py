from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.vip_complaint import COMPLAINT_STATES
from ..models.vip_complaint_sla import SLA_STATES
from ..models.vip_sla_policy import SEVERITIES

# Per complaint ``c``, from its SLA history (the rows no correction replaced):
# whether each clock was breached (a row with ``breached_on``, whatever came
# after) and whether all its cycles are decided. Figures are per complaint and
# clock: a reopened complaint counts once, with the worst of its cycles.
SLA_OUTCOME_JOIN = SQL("""
    LEFT JOIN LATERAL (
        SELECT bool_or(m.breached_on IS NOT NULL) AS breached,
               bool_or(m.breached_on IS NOT NULL)
                   FILTER (WHERE m.clock = 'response') AS response_breached,
               bool_and(m.state IN ('met', 'met_late', 'breached'))
                   FILTER (WHERE m.clock = 'response') AS response_decided,
               bool_or(m.breached_on IS NOT NULL)
                   FILTER (WHERE m.clock = 'resolution') AS resolution_breached,
               bool_and(m.state IN ('met', 'met_late', 'breached'))
                   FILTER (WHERE m.clock = 'resolution') AS resolution_decided
          FROM vip_sla_milestone m
         WHERE m.complaint_id = c.id
           AND NOT EXISTS (SELECT 1 FROM vip_sla_milestone x
                            WHERE x.correction_of_id = m.id)
    ) AS sla ON TRUE
""")


# what the figures read, flushed before the view is searched
SLA_DEPENDS = {
    "vip.sla.milestone": [
        "complaint_id",
        "clock",
        "state",
        "breached_on",
        "correction_of_id",
    ],
}


def sla_compliance(kind):
    """100 for a clock met in every cycle, 0 once breached, empty while open."""
    return SQL(
        "CASE WHEN %s THEN 0.0 WHEN %s THEN 100.0 END",
        SQL.identifier("sla", f"{kind}_breached"),
        SQL.identifier("sla", f"{kind}_decided"),
    )


class VipComplaintReport(models.Model):
    """Complaint compliance figures: one row per complaint, with the SLA results as
    percentages left empty while a clock still runs, so that averages count only
    the decided deadlines."""

    _name = "vip.complaint.report"
    _description = "Complaint Analysis"
    _auto = False
    _order = "received_on desc"
    _rec_name = "name"
    _depends = {
        **SLA_DEPENDS,
        "vip.complaint": [
            "name",
            "commercial_partner_id",
            "tier_id",
            "category_id",
            "severity",
            "user_id",
            "company_id",
            "received_on",
            "state",
            "response_sla_state",
            "resolution_sla_state",
            "responded_on",
            "rating_last_value",
            "escalation_level",
            "channel",
            "team_id",
            "response_business_hours",
        ],
    }

    complaint_id = fields.Many2one("vip.complaint", readonly=True)
    name = fields.Char("Reference", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    tier_id = fields.Many2one("vip.tier", "Tier at Intake", readonly=True)
    category_id = fields.Many2one("vip.complaint.category", readonly=True)
    severity = fields.Selection(SEVERITIES, readonly=True)
    user_id = fields.Many2one("res.users", "Responsible", readonly=True)
    channel = fields.Selection(selection="_selection_channel", readonly=True)
    team_id = fields.Many2one("vip.complaint.team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    received_on = fields.Datetime(readonly=True)
    state = fields.Selection(COMPLAINT_STATES, readonly=True)
    response_sla_state = fields.Selection(SLA_STATES, "Response SLA", readonly=True)
    resolution_sla_state = fields.Selection(SLA_STATES, "Resolution SLA", readonly=True)
    response_compliance = fields.Float(
        "Responses on Time (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the answered or breached response deadlines that were met.",
    )
    resolution_compliance = fields.Float(
        "Resolutions on Time (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the resolved or breached resolution deadlines that were met.",
    )
    response_delay = fields.Float(
        "Hours to Respond",
        readonly=True,
        aggregator="avg",
        help="Calendar hours between reception and response.",
    )
    response_business_hours = fields.Float(
        "Business Hours to Respond",
        readonly=True,
        aggregator="avg",
        help="Business hours of the complaint's calendar between reception and "
        "the first answer (public holidays counted).",
    )
    breach_rate = fields.Float(
        "Breach Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the complaints with a breach recorded in their SLA history "
        "(response or resolution).",
    )
    rating = fields.Float(
        "Customer Rating", readonly=True, aggregator="avg", help="Out of 5."
    )
    escalation_level = fields.Integer(readonly=True, aggregator="max")
    breached_count = fields.Integer(
        "Breached Complaints",
        readonly=True,
        help="Complaints with a breach recorded in their SLA history (response or "
        "resolution, any cycle), even if answered or resolved afterwards.",
    )
    complaint_count = fields.Integer("Complaints", readonly=True)

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
                SELECT c.id AS id,
                       c.id AS complaint_id,
                       c.name AS name,
                       c.commercial_partner_id AS partner_id,
                       c.tier_id AS tier_id,
                       c.category_id AS category_id,
                       c.severity AS severity,
                       c.user_id AS user_id,
                       c.channel AS channel,
                       c.team_id AS team_id,
                       c.company_id AS company_id,
                       c.received_on AS received_on,
                       c.state AS state,
                       c.response_sla_state AS response_sla_state,
                       c.resolution_sla_state AS resolution_sla_state,
                       %s AS response_compliance,
                       %s AS resolution_compliance,
                       EXTRACT(EPOCH FROM c.responded_on - c.received_on) / 3600.0
                           AS response_delay,
                       CASE WHEN c.responded_on IS NOT NULL
                            THEN c.response_business_hours END
                           AS response_business_hours,
                       CASE WHEN sla.breached THEN 100.0 ELSE 0.0 END AS breach_rate,
                       NULLIF(c.rating_last_value, 0) AS rating,
                       c.escalation_level AS escalation_level,
                       CASE WHEN sla.breached THEN 1 ELSE 0 END AS breached_count,
                       1 AS complaint_count
                  FROM vip_complaint c
                  %s
                 WHERE c.state != 'cancelled'
            )
            """,
                SQL.identifier(self._table),
                sla_compliance("response"),
                sla_compliance("resolution"),
                SLA_OUTCOME_JOIN,
            )
        )
