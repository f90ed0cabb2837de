from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from ..tools.moments import format_day
from .vip_promise import OPEN_STATES

CRON_BATCH_SIZE = 500
ACTIVITY_REMINDER = "partner_vip_care.mail_activity_type_promise_reminder"
ACTIVITY_OVERDUE = "partner_vip_care.mail_activity_type_promise_overdue"


class VipPromise(models.Model):
    """The promise's reminders: a deadline reminder to the promiser, overdue
    activities to the promiser and a manager, scheduled by a daily job."""

    _inherit = "vip.promise"

    reminder_sent = fields.Boolean(
        readonly=True,
        copy=False,
        help="Deadline reminder scheduled.",
        groups="base.group_user",
    )
    overdue_notified = fields.Boolean(
        readonly=True,
        copy=False,
        help="Overdue activities scheduled.",
        groups="base.group_user",
    )

    def _close_reminder_activities(self):
        # sudo: the reminders are assigned to the promiser and managers, not the caller
        self.sudo().activity_unlink([ACTIVITY_REMINDER, ACTIVITY_OVERDUE])

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------

    @api.model
    def _cron_promise_reminders(self):
        """Daily: deadline reminders to the promiser, overdue activities to the
        promiser and a manager. Each promise is flagged once handled, so a re-run
        never schedules twice; commits per batch when run by the scheduler."""
        for kind in ("reminder", "overdue"):
            while self._vip_process_reminders(kind):
                pass

    @api.model
    def _vip_process_reminders(self, kind):
        """One batch of the cron, queue style: lock, process, commit progress.
        True when more promises wait and there is time left."""
        domain = self._reminder_domain(kind)
        promises = self.search(domain, limit=CRON_BATCH_SIZE, order="id")
        # another worker's promises are skipped, and gone from the domain after it
        promises = promises.try_lock_for_update().filtered_domain(domain)
        if not promises:
            return False
        promises._schedule_cron_activities(kind)
        full = len(promises) == CRON_BATCH_SIZE
        remaining = self.search_count(domain) if full else 0
        time_left = self.env["ir.cron"]._vip_commit_progress(
            len(promises), remaining=remaining
        )
        return full and bool(time_left)

    @api.model
    def _reminder_domain(self, kind):
        today = fields.Date.context_today(self)
        if kind == "overdue":
            return Domain(
                [
                    ("state", "in", OPEN_STATES),
                    ("deadline", "<", today),
                    ("overdue_notified", "=", False),
                ]
            )
        by_company = [
            Domain("company_id", "=", company.id)
            & Domain(
                "deadline",
                "<=",
                today + timedelta(days=company.vip_promise_reminder_days),
            )
            # sudo: every company's reminder days, whoever runs the job
            for company in self.env["res.company"].sudo().search([])
        ]
        return Domain(
            [
                ("state", "=", "open"),
                ("deadline", ">=", today),
                ("reminder_sent", "=", False),
            ]
        ) & Domain.OR(by_company)

    def _schedule_cron_activities(self, kind):
        model_id = self.env["ir.model"]._get_id(self._name)
        if kind == "overdue":
            activity_type = self.env.ref(ACTIVITY_OVERDUE)
        else:
            activity_type = self.env.ref(ACTIVITY_REMINDER)
        today = fields.Date.context_today(self)
        managers = self._vip_approvers() if kind == "overdue" else {}
        envs = {}  # one environment per language: summaries in the assignee's

        def env_of(user):
            lang = user.lang or self.env.lang
            if lang not in envs:
                envs[lang] = self.with_context(lang=lang).env
            return envs[lang]

        def deadline_of(promise, user):
            # the deadline in the date format of the assignee's language
            return format_day(env_of(user), promise.deadline)

        vals_list = []
        for promise in self:
            base = {
                "activity_type_id": activity_type.id,
                "res_model_id": model_id,
                "res_id": promise.id,
                "automated": True,
            }
            if kind == "reminder":
                vals_list.append(
                    dict(
                        base,
                        user_id=promise.user_id.id,
                        date_deadline=promise.deadline,
                        summary=env_of(promise.user_id)._(
                            "Keep your promise to %(customer)s by %(deadline)s",
                            customer=promise.partner_id.display_name,
                            deadline=deadline_of(promise, promise.user_id),
                        ),
                    )
                )
                continue
            users = promise.user_id | managers[promise]
            vals_list += [
                dict(
                    base,
                    user_id=user.id,
                    date_deadline=today,
                    summary=env_of(user)._(
                        "Overdue promise to %(customer)s (deadline %(deadline)s)",
                        customer=promise.partner_id.display_name,
                        deadline=deadline_of(promise, user),
                    ),
                )
                for user in users
            ]
        # sudo: activities for other users; the flag is the job's own bookkeeping
        self.env["mail.activity"].sudo().create(vals_list)
        flag = "overdue_notified" if kind == "overdue" else "reminder_sent"
        self.sudo().write({flag: True})
