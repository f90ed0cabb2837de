import logging

from odoo import api, fields, models
from odoo.fields import Domain

from .vip_complaint import RESOLUTION_RUNNING_STATES
from .vip_sla_milestone import OUTCOME_RANK

_logger = logging.getLogger(__name__)

CRON_BATCH_SIZE = 500
SLA_STATES = [
    ("running", "Running"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
    ("met", "Met"),
    ("met_late", "Met Late"),
]
# the moments a pause pushes by the business hours spent waiting
PAUSED_MOMENTS = ("resolution_risk_on", "resolution_deadline", "resolution_escalate_on")


class VipComplaint(models.Model):
    """The SLA clock of a complaint: deadlines in business hours, pause, at-risk
    warning, breach and escalation, and the cron that applies them."""

    _inherit = "vip.complaint"

    sla_policy_id = fields.Many2one(
        "vip.sla.policy",
        "SLA Policy",
        readonly=True,
        index="btree_not_null",
        groups="base.group_user",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        "Working Hours",
        readonly=True,
        help="Business hours and public holidays the deadlines are counted in.",
        groups="base.group_user",
    )
    response_hours = fields.Float(
        "Allowed Response (hours)",
        readonly=True,
        aggregator="avg",
        groups="base.group_user",
    )
    resolution_hours = fields.Float(
        "Allowed Resolution (hours)",
        readonly=True,
        aggregator="avg",
        groups="base.group_user",
    )
    response_deadline = fields.Datetime(readonly=True, index=True, copy=False)
    resolution_deadline = fields.Datetime(
        readonly=True, index=True, copy=False, tracking=True
    )
    response_sla_state = fields.Selection(
        SLA_STATES,
        "Response SLA",
        compute="_compute_sla_states",
        store=True,
        readonly=True,
        index=True,
        copy=False,
        tracking=True,
    )
    resolution_sla_state = fields.Selection(
        SLA_STATES,
        "Resolution SLA",
        compute="_compute_sla_states",
        store=True,
        readonly=True,
        index=True,
        copy=False,
        tracking=True,
    )
    escalation_level = fields.Integer(
        readonly=True,
        copy=False,
        tracking=True,
        aggregator="max",
        help="1: the escalation contact was notified of a breach; 2: the VIP "
        "managers were, after another full SLA period.",
        groups="base.group_user",
    )
    next_deadline = fields.Datetime(
        compute="_compute_next_deadline",
        store=True,
        index="btree_not_null",
        help="The response deadline until the customer is answered, then the "
        "resolution deadline while the complaint is open.",
    )
    sla_badge = fields.Char(
        "Time Left", compute="_compute_sla_badge", groups="base.group_user"
    )
    # moments the SLA cron looks at, planned in business hours at intake
    response_risk_on = fields.Datetime(
        readonly=True, copy=False, groups="base.group_user"
    )
    response_escalate_on = fields.Datetime(
        readonly=True, copy=False, groups="base.group_user"
    )
    resolution_risk_on = fields.Datetime(
        readonly=True, copy=False, groups="base.group_user"
    )
    resolution_escalate_on = fields.Datetime(
        readonly=True, copy=False, groups="base.group_user"
    )
    sla_next_check = fields.Datetime(
        compute="_compute_sla_next_check",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Next moment the SLA cron has something to do for this complaint "
        "(at risk, breach or escalation); empty when nothing is pending.",
        groups="base.group_user",
    )
    waiting_since = fields.Datetime(readonly=True, copy=False, groups="base.group_user")
    paused_hours = fields.Float(
        "Paused (business hours)",
        readonly=True,
        copy=False,
        help="Business hours spent waiting on the customer, added to the "
        "resolution deadline.",
        groups="base.group_user",
    )
    sla_milestone_ids = fields.One2many(
        "vip.sla.milestone",
        "complaint_id",
        "SLA History",
        readonly=True,
        copy=False,
        groups="partner_vip_care.group_vip_user",
        help="Each cycle of the response and resolution clocks, as the SLA clock "
        "recorded it; corrections are added rows.",
    )

    @api.depends(
        "sla_milestone_ids.state",
        "sla_milestone_ids.breached_on",
        "sla_milestone_ids.warned_on",
        "sla_milestone_ids.correction_of_id",
    )
    def _compute_sla_states(self):
        """The worst outcome of each clock over its cycles (a correction row
        replaces the row it corrects): a breach stays once recorded."""
        for complaint in self:
            rows = complaint.sla_milestone_ids._vip_effective()
            for kind in ("response", "resolution"):
                outcomes = [row._vip_outcome() for row in rows if row.clock == kind]
                complaint[f"{kind}_sla_state"] = max(
                    outcomes, key=OUTCOME_RANK.get, default=False
                )

    @api.depends(
        "state",
        "responded_on",
        "sla_milestone_ids.state",
        "sla_milestone_ids.warned_on",
        "sla_milestone_ids.completed_on",
        "sla_milestone_ids.correction_ids",
        "escalation_level",
        "response_deadline",
        "resolution_deadline",
        "response_risk_on",
        "resolution_risk_on",
        "response_escalate_on",
        "resolution_escalate_on",
    )
    def _compute_sla_next_check(self):
        for complaint in self:
            moments = []
            if complaint._response_open():
                moments.append(complaint._sla_pending_moment("response"))
            if complaint.state in RESOLUTION_RUNNING_STATES:
                moments.append(complaint._sla_pending_moment("resolution"))
            moments = [moment for moment in moments if moment]
            complaint.sla_next_check = min(moments) if moments else False

    @api.depends("state", "responded_on", "response_deadline", "resolution_deadline")
    def _compute_next_deadline(self):
        for complaint in self:
            if complaint.state in ("resolved", "closed", "cancelled"):
                complaint.next_deadline = False
            elif not complaint.responded_on:
                complaint.next_deadline = complaint.response_deadline
            else:
                complaint.next_deadline = complaint.resolution_deadline

    @api.depends("next_deadline", "state")
    def _compute_sla_badge(self):
        now = fields.Datetime.now()
        for complaint in self:
            if not complaint.next_deadline or complaint.state == "waiting":
                complaint.sla_badge = False
                continue
            delta = complaint.next_deadline - now
            label = self._format_duration(abs(delta))
            complaint.sla_badge = (
                self.env._("%s left", label)
                if delta.total_seconds() >= 0
                else self.env._("%s overdue", label)
            )

    def action_correct_sla(self, field_name=None, value=None, reason=None):
        """Administrators: correct a wrong SLA result (a deadline, a state, the
        escalation level), logged in the chatter with who and why. Without a
        field, open the wizard asking for it."""
        self.ensure_one()
        Correction = self.env["vip.complaint.sla.correction"]
        if field_name is None:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Correct SLA Result"),
                "res_model": Correction._name,
                "view_mode": "form",
                "target": "new",
                "context": {"default_complaint_id": self.id},
            }
        Correction._vip_apply(self, field_name, value, reason)
        return True

    @api.model
    def _format_duration(self, delta):
        minutes = int(delta.total_seconds() // 60)
        days, minutes = divmod(minutes, 24 * 60)
        hours, minutes = divmod(minutes, 60)
        if days:
            return self.env._("%(days)sd %(hours)sh", days=days, hours=hours)
        return self.env._("%(hours)sh %(minutes)02dm", hours=hours, minutes=minutes)

    # ------------------------------------------------------------------
    # deadlines
    # ------------------------------------------------------------------

    def _sla_select_policy(self, policies_by_company):
        self.ensure_one()
        tier = self.tier_id
        for policy in policies_by_company.get(self.company_id, []):
            if policy._matches(tier, self.severity, self.category_id):
                return policy
        return self.env["vip.sla.policy"]

    def _sla_start(self, with_tier=True):
        """Snapshot the tier, pick the policy and plan both deadlines from
        ``received_on``. Policies are read once for the whole batch, and each
        schedule's business time computed once."""
        if not self:
            return
        if with_tier:
            for complaint in self:
                complaint._vip_workflow_write(
                    {"tier_id": complaint.commercial_partner_id.vip_tier_id.id}
                )
        policies = self.env["vip.sla.policy"].search(
            [("company_id", "in", self.company_id.ids)]
        )
        by_company = {}
        for policy in policies:
            by_company.setdefault(policy.company_id, []).append(policy)
        for complaint in self:
            complaint._vip_workflow_write(complaint._sla_terms(by_company))
        times = self._sla_business_times(["received_on"])
        plans = {
            complaint: complaint._sla_plan("response", complaint.received_on, times)
            for complaint in self
        }
        self._sla_open_milestones("response", plans)
        self._sla_plan_resolution(None, times)

    def _sla_terms(self, policies_by_company):
        """The policy, schedule and allowed hours of this complaint: the first
        matching policy's, else its tier's or company's."""
        policy = self._sla_select_policy(policies_by_company)
        company = self.company_id
        if policy:
            response, resolution = policy.response_hours, policy.resolution_hours
            calendar = policy._get_calendar()
        else:
            tier = self.tier_id
            response = tier.response_hours or company.vip_default_response_hours
            resolution = tier.resolution_hours or company.vip_default_resolution_hours
            calendar = company.vip_sla_calendar_id or company.resource_calendar_id
        return {
            "sla_policy_id": policy.id,
            "calendar_id": calendar.id,
            "response_hours": response,
            "resolution_hours": resolution,
        }

    def _sla_business_times(self, fnames, *moments):
        """{schedule: its business time (``resource.calendar``'s engine)}: one
        per schedule of these complaints, computed at once over their ``fnames``
        moments and ``moments``; plans reaching further extend it."""
        times = {}
        for calendar, complaints in self.grouped("calendar_id").items():
            found = [moment for moment in moments if moment]
            for fname in fnames:
                found += [moment for moment in complaints.mapped(fname) if moment]
            times[calendar] = calendar._vip_business_time()
            if found:
                times[calendar].cover(min(found), max(found))
        return times

    def _sla_plan(self, kind, start, times):
        """Plan the ``kind`` clock's moments from ``start`` in business hours:
        at risk, deadline, escalation. Returns (start, deadline)."""
        self.ensure_one()
        time = times[self.calendar_id]
        hours = self[f"{kind}_hours"]
        ratio = self.company_id.vip_at_risk_ratio or 0.75
        deadline = time.plan(start, hours) if start else False
        self._vip_workflow_write(
            {
                f"{kind}_risk_on": time.plan(start, hours * ratio) if start else False,
                f"{kind}_deadline": deadline,
                f"{kind}_escalate_on": time.plan(deadline, hours) if start else False,
            }
        )
        return start, deadline

    def _sla_plan_resolution(self, start=None, times=None):
        """Resolution window of ``resolution_hours`` from ``start`` (default: the
        reception); used at intake and on reopening."""
        times = times or self._sla_business_times(["received_on"], start)
        plans = {
            complaint: complaint._sla_plan(
                "resolution", start or complaint.received_on, times
            )
            for complaint in self
        }
        self._sla_open_milestones("resolution", plans, new_cycle=start is not None)

    def _sla_open_milestones(self, kind, plans, new_cycle=False):
        """Start the ``kind`` clock: {complaint: (start, deadline)}. A clock still
        running untouched in its current cycle (re-planned at triage) moves its
        deadline; otherwise a new cycle is recorded (intake, reopening)."""
        vals_list = []
        for complaint, (start, deadline) in plans.items():
            current = complaint._sla_open_milestone(kind)
            if current and not new_cycle and not current.breached_on:
                # sudo: the clock's own row
                current.sudo().write({"deadline": deadline})
                continue
            cycles = complaint.sla_milestone_ids.filtered(
                lambda m, k=kind: m.clock == k
            )
            vals_list.append(
                {
                    "complaint_id": complaint.id,
                    "clock": kind,
                    "cycle": max(cycles.mapped("cycle"), default=0) + 1,
                    "start": start,
                    "deadline": deadline,
                }
            )
        # sudo: the SLA history is the clock's, written for any user's action
        self.env["vip.sla.milestone"].sudo().create(vals_list)

    def _sla_open_milestone(self, kind):
        """The row of the ``kind`` clock's current cycle while it counts (running,
        or breached and not yet completed); none once decided or corrected."""
        self.ensure_one()
        rows = self.sla_milestone_ids.filtered(
            lambda m: (
                m.clock == kind
                and m.state in ("running", "breached")
                and not m.completed_on
                and not m.correction_of_id
                and not m.correction_ids
            )
        )
        return rows.sorted("cycle")[-1:]

    def _sla_live_state(self, kind):
        """The ``kind`` clock's state in its current cycle: running, at_risk,
        breached, or False when it does not count."""
        milestone = self._sla_open_milestone(kind)
        if not milestone:
            return False
        if milestone.state == "breached":
            return "breached"
        return "at_risk" if milestone.warned_on else "running"

    def _sla_complete(self, kind, when):
        """Stop the ``kind`` clock at ``when`` (the server's moment): met, or met
        late — a breach, recorded or not yet seen by the cron, stays recorded."""
        for complaint in self:
            milestone = complaint._sla_open_milestone(kind)
            if not milestone:
                continue
            late = milestone.state == "breached" or bool(
                milestone.deadline and when > milestone.deadline
            )
            vals = {"completed_on": when, "state": "met_late" if late else "met"}
            if late and not milestone.breached_on:
                vals["breached_on"] = milestone.deadline
            # sudo: the clock's own row
            milestone.sudo().write(vals)
        # the warnings about this clock are over
        self._vip_close_risk_activities([kind])

    def _sla_cancel(self):
        """A cancelled complaint stops its running clocks; a breach stays."""
        rows = self.sla_milestone_ids.filtered(
            lambda m: m.state == "running" and not m.correction_ids
        )
        # sudo: the clock's own rows
        rows.sudo().write({"state": "cancelled"})
        self._vip_close_risk_activities(["response", "resolution"])

    def _sla_end_pause(self, now):
        """Push the resolution moments by the business hours spent waiting."""
        waiting = self.filtered("waiting_since")
        times = waiting._sla_business_times(["waiting_since", *PAUSED_MOMENTS], now)
        for complaint in waiting:
            time = times[complaint.calendar_id]
            paused = time.hours(complaint.waiting_since, now)
            vals = {"waiting_since": False, "paused_hours": complaint.paused_hours}
            if paused > 0:
                old_deadline = complaint.resolution_deadline
                vals["paused_hours"] += paused
                for fname in PAUSED_MOMENTS:
                    if complaint[fname]:
                        vals[fname] = time.plan(complaint[fname], paused)
                milestone = complaint._sla_open_milestone("resolution")
                if milestone and not milestone.breached_on:
                    # sudo: the clock's own row
                    milestone.sudo().write({"deadline": vals["resolution_deadline"]})
                env = complaint._vip_reader_env()
                complaint.message_post(
                    body=env._(
                        "Waited %(hours)s business hours on the customer: resolution "
                        "deadline moved from %(old)s to %(new)s.",
                        hours=round(paused, 2),
                        old=complaint._vip_moment(old_deadline, env),
                        new=complaint._vip_moment(vals["resolution_deadline"], env),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            complaint._vip_workflow_write(vals)

    def _sla_record_response(self, when):
        """The customer was answered at ``when``, the server's moment."""
        self._vip_workflow_write({"responded_on": when})
        self._sla_complete("response", when)

    def _response_open(self):
        self.ensure_one()
        return not self.responded_on and self.state not in (
            "resolved",
            "closed",
            "cancelled",
        )

    def _sla_pending_moment(self, kind):
        """Next moment something happens to the ``kind`` clock, if any."""
        self.ensure_one()
        sla_state = self._sla_live_state(kind)
        deadline = self[f"{kind}_deadline"]
        if sla_state == "running":
            risk_on = self[f"{kind}_risk_on"]
            return min(filter(None, (risk_on, deadline)), default=False)
        if sla_state == "at_risk":
            return deadline
        if sla_state == "breached" and self.escalation_level < 2:
            return self[f"{kind}_escalate_on"]
        return False

    # ------------------------------------------------------------------
    # business: SLA monitoring
    # ------------------------------------------------------------------

    def _vip_escalation_target(self):
        """Level 1: the policy's escalation user, else the company's, else the
        customer's salesperson."""
        self.ensure_one()
        return (
            self.sla_policy_id.escalation_user_id
            or self.company_id.vip_escalation_user_id
            or self.commercial_partner_id.user_id
        )

    def _vip_sla_open_kinds(self):
        """The clocks still running: response until answered, resolution while
        worked on (waiting pauses it)."""
        self.ensure_one()
        kinds = ["response"] if self._response_open() else []
        if self.state in RESOLUTION_RUNNING_STATES:
            kinds.append("resolution")
        return [kind for kind in kinds if self._sla_open_milestone(kind)]

    def _vip_sla_due(self, now):
        """What the clock owes this complaint at ``now``, whatever ran before:
        (values to write, kinds now at risk, kinds now breached, escalation levels
        now reached). It depends on ``now`` only: once applied, nothing is due."""
        self.ensure_one()
        vals, at_risk, breached = {}, [], []
        level = self.escalation_level
        for kind in self._vip_sla_open_kinds():
            state = self._sla_live_state(kind)
            deadline = self[f"{kind}_deadline"]
            risk_on, escalate_on = self[f"{kind}_risk_on"], self[f"{kind}_escalate_on"]
            if state == "running" and risk_on and risk_on <= now:
                # a late run warns too, as the run on time would have done
                at_risk.append(kind)
            if not (deadline and deadline <= now):
                continue
            if state in ("running", "at_risk"):
                breached.append(kind)
            level = max(level, 2 if escalate_on and escalate_on <= now else 1)
        levels = list(range(self.escalation_level + 1, level + 1))
        if levels:
            vals["escalation_level"] = level
        return vals, at_risk, breached, levels

    def _vip_check_sla(self, now=None):
        """Apply what is due at ``now`` to these complaints, in batches: SLA
        states and levels written, one note per complaint listing all that
        happened, activities created at once, one mail per person notified."""
        now = now or fields.Datetime.now()
        due = {}
        for complaint in self:
            vals, at_risk, breached, levels = complaint._vip_sla_due(now)
            if vals or at_risk or breached:
                due[complaint] = (vals, at_risk, breached, levels)
        if not due:
            return
        by_vals = {}
        for complaint, (vals, *_events) in due.items():
            if vals:
                by_vals.setdefault(tuple(sorted(vals.items())), []).append(complaint.id)
        self._vip_sla_mark(due, now)
        for key, ids in by_vals.items():
            self.browse(ids)._vip_workflow_write(dict(key))
        managers = {company: company._vip_managers() for company in self.company_id}
        self._vip_sla_notify(
            [
                complaint._vip_sla_notice(*events, managers[complaint.company_id])
                for complaint, (_vals, *events) in due.items()
            ]
        )
        # a breached clock's warning is over: the breach activity takes over
        for kind in ("response", "resolution"):
            breached = self.browse(
                [c.id for c, (_v, _r, kinds, _l) in due.items() if kind in kinds]
            )
            breached._vip_close_risk_activities([kind])

    @api.model
    def _vip_sla_mark(self, due, now):
        """Record on the milestones what the cron saw: warnings at ``now`` (one
        write), breaches at their deadline (the moment the clock ran out)."""
        Milestone = self.env["vip.sla.milestone"]
        warned = Milestone
        for complaint, (_vals, at_risk, breached, _levels) in due.items():
            for kind in at_risk:
                warned |= complaint._sla_open_milestone(kind)
            for kind in breached:
                milestone = complaint._sla_open_milestone(kind)
                # sudo: the clock's own row
                milestone.sudo().write(
                    {"state": "breached", "breached_on": milestone.deadline or now}
                )
        # sudo: the clock's own rows
        warned.sudo().write({"warned_on": now})

    @api.model
    def _cron_check_sla(self, batch_size=CRON_BATCH_SIZE):
        """Every 5 minutes: only complaints whose next SLA moment has passed, found
        through the indexed ``sla_next_check``; batches of ``batch_size``, each
        committed in the cron; resumable since handled rows move their
        ``sla_next_check`` forward (or clear it)."""
        now = fields.Datetime.now()
        domain = Domain("sla_next_check", "<=", now)
        done = self.browse()
        while True:
            batch = self.search(
                domain, order="sla_next_check, id", limit=batch_size
            ).try_lock_for_update()
            if not batch:
                break
            batch._vip_check_sla(now)
            done |= batch
            # what is due at ``now`` is applied at once (``_vip_sla_due``): handled
            # rows are due no more, so the next search finds the next ones. A row
            # still due would come back in every batch: stop rather than loop.
            if stuck := batch.filtered_domain(domain):
                _logger.warning(
                    "SLA check: complaints %s still due after handling", stuck.ids
                )
                break
            full = len(batch) == batch_size
            remaining = self.search_count(domain) if full else 0
            time_left = self.env["ir.cron"]._vip_commit_progress(
                len(batch), remaining=remaining
            )
            if not (full and time_left):
                break
        return done
