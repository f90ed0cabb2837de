from odoo import api, fields, models
from odoo.exceptions import UserError

MILESTONE_STATES = [
    ("running", "Running"),
    ("met", "Met"),
    ("met_late", "Met Late"),
    ("breached", "Breached"),
    ("cancelled", "Cancelled"),
]
# what a milestone says of its clock, worst last (the complaint shows the worst)
OUTCOME_RANK = {"met": 1, "running": 2, "at_risk": 3, "met_late": 4, "breached": 5}
# fields the clock may still move on a milestone while it runs; the rest is a fact
MOVABLE_FIELDS = {"deadline", "warned_on", "state", "completed_on", "breached_on"}
# states a running milestone may reach; a breach only ends met late
NEXT_STATES = {
    "running": {"running", "met", "met_late", "breached", "cancelled"},
    "breached": {"breached", "met_late"},
}


class VipSlaMilestone(models.Model):
    """One cycle of one SLA clock of a complaint: the response, or a resolution
    window (a reopening starts a new cycle). Append-only: the clock (superuser
    mode) closes or breaches a running row; a breach once recorded stays; an
    administrator's correction is a new row pointing at the one it corrects."""

    _name = "vip.sla.milestone"
    _description = "SLA Milestone"
    _order = "clock desc, cycle, id"
    _rec_name = "clock"

    complaint_id = fields.Many2one(
        "vip.complaint", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="complaint_id.company_id", store=True, index=True
    )
    commercial_partner_id = fields.Many2one(
        related="complaint_id.commercial_partner_id",
        string="Customer Company",
        store=True,
        index="btree_not_null",
    )
    clock = fields.Selection(
        [("response", "Response"), ("resolution", "Resolution")],
        required=True,
        readonly=True,
    )
    cycle = fields.Integer(required=True, default=1, readonly=True)
    start = fields.Datetime(required=True, readonly=True)
    deadline = fields.Datetime(readonly=True)
    warned_on = fields.Datetime(
        "At Risk Since", readonly=True, help="When the at-risk warning was given."
    )
    completed_on = fields.Datetime(readonly=True)
    state = fields.Selection(
        MILESTONE_STATES, required=True, default="running", readonly=True, index=True
    )
    breached_on = fields.Datetime(
        readonly=True,
        index="btree_not_null",
        help="When the deadline passed without the clock being stopped; never "
        "cleared once recorded.",
    )
    correction_of_id = fields.Many2one(
        "vip.sla.milestone",
        "Corrects",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
    )
    correction_ids = fields.One2many(
        "vip.sla.milestone", "correction_of_id", "Corrected by"
    )
    corrected_by_id = fields.Many2one("res.users", "Correction by", readonly=True)
    reason = fields.Text(readonly=True)

    # ------------------------------------------------------------------
    # CRUD: append-only
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self.browse().check_access("create")  # nobody has the right
            self._vip_refuse()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self.check_access("write")  # nobody has the right: the access error
            self._vip_refuse()
        if vals.keys() - MOVABLE_FIELDS:
            self._vip_refuse()
        for milestone in self:
            milestone._vip_check_move(vals)
        return super().write(vals)

    def _vip_check_move(self, vals):
        """The clock moves a running milestone (deadline, warning, breach, end);
        a decided one, its breach and its recorded facts never change."""
        self.ensure_one()
        state = vals.get("state", self.state)
        breached_on = fields.Datetime.to_datetime(
            vals.get("breached_on", self.breached_on)
        )
        if (
            state not in NEXT_STATES.get(self.state, {self.state})
            or (self.state not in NEXT_STATES and set(vals) - {"state"})
            or (self.breached_on and breached_on != self.breached_on)
            or (self.breached_on and "deadline" in vals)
        ):
            self._vip_refuse()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_clock(self):
        if not self.env.su:
            self._vip_refuse()

    def _vip_refuse(self):
        raise UserError(
            self.env._(
                "SLA Milestone: the SLA history is recorded by the SLA clock only; "
                "its rows cannot be created, changed or deleted (an administrator "
                "corrects a result with “Correct SLA”)."
            )
        )

    # ------------------------------------------------------------------
    # business
    # ------------------------------------------------------------------

    def _vip_outcome(self):
        """What this row says of its clock: met, met late, breached, or — while
        it runs or once cancelled undecided — running / at risk."""
        self.ensure_one()
        if self.state in ("met", "met_late", "breached"):
            return self.state
        if self.breached_on:  # cancelled after its breach
            return "breached"
        return "at_risk" if self.warned_on else "running"

    def _vip_effective(self):
        """The rows that count: those no correction replaced."""
        return self.filtered(lambda m: not m.correction_ids)

    @api.model
    @api.private
    def _vip_build_from_complaints(self, complaint_ids=None, recompute=True):
        """Cycle 1 of each clock of complaints recorded before the SLA history,
        from their fields, in one statement; complaints whose clock already has
        rows are left alone, so running it twice adds nothing. A breach is dated
        at its deadline. The complaints' SLA states are then derived again from
        the rows (unless ``recompute`` is False: the benchmark's generated rows).
        Returns the complaints given rows."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            INSERT INTO vip_sla_milestone (
                complaint_id, company_id, commercial_partner_id, clock, cycle,
                start, deadline, warned_on, completed_on, state, breached_on,
                create_uid, create_date, write_uid, write_date)
            SELECT c.id, c.company_id, c.commercial_partner_id, k.clock, 1,
                   c.received_on, k.deadline,
                   CASE WHEN k.sla = 'at_risk'
                        THEN COALESCE(k.risk_on, k.deadline, c.received_on) END,
                   CASE WHEN k.sla IN ('met', 'met_late')
                        THEN COALESCE(k.done, c.write_date) END,
                   CASE WHEN k.sla IN ('met', 'met_late', 'breached') THEN k.sla
                        WHEN c.state = 'cancelled' THEN 'cancelled'
                        ELSE 'running' END,
                   CASE WHEN k.sla IN ('met_late', 'breached')
                        THEN COALESCE(k.deadline, k.done, c.received_on) END,
                   %(uid)s, NOW() AT TIME ZONE 'UTC',
                   %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM vip_complaint c
             CROSS JOIN LATERAL (VALUES
                   ('response', c.response_sla_state, c.response_deadline,
                    c.responded_on, c.response_risk_on),
                   ('resolution', c.resolution_sla_state, c.resolution_deadline,
                    c.resolved_on, c.resolution_risk_on)
                   ) AS k(clock, sla, deadline, done, risk_on)
             WHERE k.sla IS NOT NULL
               AND (%(all)s OR c.id = ANY(%(ids)s))
               AND NOT EXISTS (SELECT 1 FROM vip_sla_milestone m
                                WHERE m.complaint_id = c.id AND m.clock = k.clock)
            RETURNING complaint_id
            """,
            {
                "uid": self.env.uid,
                "all": complaint_ids is None,
                "ids": list(complaint_ids or []),
            },
        )
        complaints = self.env["vip.complaint"].browse(
            sorted({row[0] for row in self.env.cr.fetchall()})
        )
        self.env.invalidate_all()
        if not recompute:
            return complaints
        Complaint = self.env["vip.complaint"]
        for fname in ("response_sla_state", "resolution_sla_state", "sla_next_check"):
            self.env.add_to_compute(Complaint._fields[fname], complaints)
        self.env.flush_all()
        return complaints
