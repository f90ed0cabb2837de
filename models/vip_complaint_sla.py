from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_datetime

from .vip_complaint import RESOLUTION_RUNNING_STATES

CRON_BATCH_SIZE = 500


class VipComplaint(models.Model):
    """The SLA clock of a complaint: deadlines in business hours, pause, at-risk
    warning, breach and escalation, and the cron that applies them."""

    _inherit = "vip.complaint"

    # moments the SLA cron looks at, planned in business hours at intake
    response_risk_on = fields.Datetime(readonly=True, copy=False)
    response_escalate_on = fields.Datetime(readonly=True, copy=False)
    resolution_risk_on = fields.Datetime(readonly=True, copy=False)
    resolution_escalate_on = fields.Datetime(readonly=True, copy=False)
    sla_next_check = fields.Datetime(
        compute="_compute_sla_next_check",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Next moment the SLA cron has something to do for this complaint "
        "(at risk, breach or escalation); empty when nothing is pending.",
    )
    waiting_since = fields.Datetime(readonly=True, copy=False)
    paused_hours = fields.Float(
        "Paused (business hours)",
        readonly=True,
        copy=False,
        help="Business hours spent waiting on the customer, added to the "
        "resolution deadline.",
    )

    @api.depends(
        "state",
        "responded_on",
        "response_sla_state",
        "resolution_sla_state",
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
        ``received_on``. Policies are read once for the whole batch."""
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
        planner = _Planner(self.env)
        for complaint in self:
            policy = complaint._sla_select_policy(by_company)
            company = complaint.company_id
            if policy:
                response, resolution = policy.response_hours, policy.resolution_hours
                calendar = policy._get_calendar()
            else:
                tier = complaint.tier_id
                response = tier.response_hours or company.vip_default_response_hours
                resolution = (
                    tier.resolution_hours or company.vip_default_resolution_hours
                )
                calendar = company.vip_sla_calendar_id or company.resource_calendar_id
            ratio = company.vip_at_risk_ratio or 0.75
            start = complaint.received_on
            deadline = planner.plan(calendar, response, start)
            complaint._vip_workflow_write(
                {
                    "sla_policy_id": policy.id,
                    "calendar_id": calendar.id,
                    "response_hours": response,
                    "resolution_hours": resolution,
                    "response_risk_on": planner.plan(calendar, response * ratio, start),
                    "response_deadline": deadline,
                    "response_escalate_on": planner.plan(calendar, response, deadline),
                    "response_sla_state": "running",
                }
            )
        self._sla_plan_resolution(None, planner)

    def _sla_plan_resolution(self, start=None, planner=None):
        """Resolution window of ``resolution_hours`` from ``start`` (default: the
        reception); used at intake and on reopening."""
        planner = planner or _Planner(self.env)
        for complaint in self:
            calendar = complaint.calendar_id
            hours = complaint.resolution_hours
            ratio = complaint.company_id.vip_at_risk_ratio or 0.75
            begin = start or complaint.received_on
            deadline = planner.plan(calendar, hours, begin)
            complaint._vip_workflow_write(
                {
                    "resolution_risk_on": planner.plan(calendar, hours * ratio, begin),
                    "resolution_deadline": deadline,
                    "resolution_escalate_on": planner.plan(calendar, hours, deadline),
                    "resolution_sla_state": "running",
                }
            )

    def _sla_end_pause(self, now):
        """Push the resolution moments by the business hours spent waiting."""
        planner = _Planner(self.env)
        for complaint in self.filtered("waiting_since"):
            calendar = complaint.calendar_id
            paused = planner.count(calendar, complaint.waiting_since, now)
            vals = {"waiting_since": False, "paused_hours": complaint.paused_hours}
            if paused > 0:
                old_deadline = complaint.resolution_deadline
                vals["paused_hours"] += paused
                for fname in (
                    "resolution_risk_on",
                    "resolution_deadline",
                    "resolution_escalate_on",
                ):
                    if complaint[fname]:
                        vals[fname] = planner.plan(calendar, paused, complaint[fname])
                complaint.message_post(
                    body=self.env._(
                        "Waited %(hours)s business hours on the customer: resolution "
                        "deadline moved from %(old)s to %(new)s.",
                        hours=round(paused, 2),
                        old=format_datetime(self.env, old_deadline),
                        new=format_datetime(self.env, vals["resolution_deadline"]),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            complaint._vip_workflow_write(vals)

    def _sla_record_response(self, when):
        for complaint in self:
            complaint._vip_workflow_write(
                {
                    "responded_on": when,
                    "response_sla_state": complaint._sla_result(
                        complaint.response_deadline, when
                    ),
                }
            )

    @api.model
    def _sla_result(self, deadline, when):
        return "met" if not deadline or when <= deadline else "met_late"

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
        sla_state = self[f"{kind}_sla_state"]
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

    def _vip_check_sla(self, now=None):
        """Apply what is due at ``now`` to these complaints: at-risk activity,
        breach (state, note, activity and mail to the escalation target) and
        level-2 escalation to the VIP managers. Idempotent: a state or level
        already reached is never notified again."""
        now = now or fields.Datetime.now()
        at_risk_type = self.env.ref(
            "partner_vip_care.mail_activity_type_vip_sla_at_risk"
        )
        breach_type = self.env.ref("partner_vip_care.mail_activity_type_vip_sla_breach")
        model_id = self.env["ir.model"]._get_id(self._name)
        kind_labels = {
            "response": self.env._("response"),
            "resolution": self.env._("resolution"),
        }
        activities = []
        notes = {}
        managers_cache = {}
        escalations = []
        for complaint in self:
            kinds = []
            if complaint._response_open():
                kinds.append("response")
            if complaint.state in RESOLUTION_RUNNING_STATES:
                kinds.append("resolution")
            vals = {}
            at_risk, breached = [], []
            for kind in kinds:
                sla_state = complaint[f"{kind}_sla_state"]
                deadline = complaint[f"{kind}_deadline"]
                risk_on = complaint[f"{kind}_risk_on"]
                if sla_state in ("running", "at_risk") and deadline and deadline <= now:
                    vals[f"{kind}_sla_state"] = "breached"
                    breached.append(kind)
                elif sla_state == "running" and risk_on and risk_on <= now:
                    vals[f"{kind}_sla_state"] = "at_risk"
                    at_risk.append(kind)
            level = complaint.escalation_level
            if breached and level < 1:
                vals["escalation_level"] = 1
                escalations.append((complaint, 1, breached))
            elif level == 1 and any(
                complaint[f"{kind}_escalate_on"]
                and complaint[f"{kind}_escalate_on"] <= now
                for kind in kinds
                if complaint[f"{kind}_sla_state"] == "breached"
            ):
                vals["escalation_level"] = 2
                escalations.append((complaint, 2, breached))
            elif breached:
                notes[complaint.id] = self.env._(
                    "The %(kind)s deadline is breached (already escalated).",
                    kind=", ".join(kind_labels[k] for k in breached),
                )
            if at_risk:
                user = complaint.user_id or complaint._vip_escalation_target()
                deadline = complaint[f"{at_risk[0]}_deadline"]
                notes[complaint.id] = self.env._(
                    "The %(kind)s deadline %(deadline)s is at risk.",
                    kind=", ".join(kind_labels[k] for k in at_risk),
                    deadline=format_datetime(self.env, deadline),
                )
                if user:
                    activities.append(
                        {
                            "res_model_id": model_id,
                            "res_id": complaint.id,
                            "activity_type_id": at_risk_type.id,
                            "user_id": user.id,
                            "date_deadline": fields.Date.context_today(self, deadline),
                            "summary": notes[complaint.id],
                        }
                    )
            if vals:
                complaint._vip_workflow_write(vals)
        if activities:
            self.env["mail.activity"].create(activities)
        if notes:
            self._message_log_batch(bodies=notes)
        for complaint, level, breached in escalations:
            # posting reads followers and messages: keep it to this record instead
            # of prefetching them for the whole batch at every post
            complaint = complaint.with_prefetch()
            if level == 1:
                complaint._vip_escalate_level_1(breached, now, breach_type, kind_labels)
            else:
                complaint._vip_escalate_level_2(
                    now, breach_type, managers_cache, kind_labels
                )

    def _vip_escalate_level_1(self, kinds, now, activity_type, kind_labels):
        self.ensure_one()
        target = self._vip_escalation_target()
        if not target:
            target = self.company_id._vip_managers()[:1]
        body = self.env._(
            "%(name)s breached its %(kind)s deadline %(deadline)s (customer "
            "%(customer)s): escalated to %(target)s.",
            name=self.name,
            kind=", ".join(kind_labels[k] for k in kinds),
            deadline=format_datetime(self.env, self[f"{kinds[0]}_deadline"]),
            customer=self.partner_id.display_name or "-",
            target=target.name or "-",
        )
        self._vip_notify_escalation(target, target, body, activity_type)

    def _vip_escalate_level_2(self, now, activity_type, cache, kind_labels):
        self.ensure_one()
        company = self.company_id
        if company not in cache:
            cache[company] = company._vip_managers().sudo(False)
        managers = cache[company]
        body = self.env._(
            "%(name)s is still breached one full SLA period after its deadline: "
            "escalated to the VIP managers %(managers)s.",
            name=self.name,
            managers=", ".join(managers.mapped("name")) or "-",
        )
        if managers[1:]:
            self.message_subscribe(partner_ids=managers[1:].partner_id.ids)
        self._vip_notify_escalation(managers[:1], managers, body, activity_type)

    def _vip_notify_escalation(self, assignee, notified, body, activity_type):
        if assignee:
            self.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=assignee.id,
                summary=self.env._("SLA breach: %s", self.name),
                note=body,
            )
        self.message_post(
            body=Markup("<p>%s</p>") % body,
            subtype_xmlid="mail.mt_note",
            partner_ids=notified.partner_id.ids,
        )

    @api.model
    def _cron_check_sla(self, batch_size=CRON_BATCH_SIZE):
        """Every 5 minutes: only complaints whose next SLA moment has passed, found
        through the indexed ``sla_next_check``; batches of ``batch_size``, each
        committed in the cron; resumable since handled rows move their
        ``sla_next_check`` forward (or clear it)."""
        now = fields.Datetime.now()
        domain = [("sla_next_check", "<=", now)]
        done = self.browse()
        while True:
            batch = self.search(
                domain + [("id", "not in", done.ids)] if done else domain,
                order="sla_next_check, id",
                limit=batch_size,
            ).try_lock_for_update()
            if not batch:
                break
            batch._vip_check_sla(now)
            done |= batch
            full = len(batch) == batch_size
            remaining = self.search_count(domain) if full else 0
            time_left = self.env["ir.cron"]._vip_commit_progress(
                len(batch), remaining=remaining
            )
            if not (full and time_left):
                break
        return done


class _Planner:
    """``resource.calendar.plan_hours`` and ``get_work_hours_count`` with public
    holidays, memoized for a batch (complaints received together share their
    deadlines)."""

    def __init__(self, env):
        self.env = env
        self.memo = {}

    def plan(self, calendar, hours, start):
        if not start:
            return False
        key = ("plan", calendar.id, hours, start)
        if key not in self.memo:
            result = False
            if calendar:
                result = calendar.plan_hours(hours, start, compute_leaves=True)
            result = result or start + timedelta(hours=hours)
            # calendars ending a day at 23:59:59.999999 leave stray microseconds
            self.memo[key] = (result + timedelta(microseconds=500000)).replace(
                microsecond=0
            )
        return self.memo[key]

    def count(self, calendar, start, stop):
        if not calendar:
            return (stop - start).total_seconds() / 3600
        return calendar.get_work_hours_count(start, stop, compute_leaves=True)
