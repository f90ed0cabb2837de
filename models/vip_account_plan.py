from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

ACTIVITY_REVIEW = "partner_vip_care.mail_activity_type_account_plan_review"


class VipAccountPlan(models.Model):
    """A service plan for one key account over a period, run as PDCA: plan the
    targets, do, check them against what happened (the actuals are frozen),
    act (the next period's plan opens with the same lines), done."""

    _name = "vip.account.plan"
    _description = "VIP Account Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "vip.workflow.guard"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _vip_workflow_fields = ("state",)

    name = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    user_id = fields.Many2one(
        "res.users",
        "Owner",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    tier_id = fields.Many2one(related="partner_id.vip_tier_id", string="VIP Tier")
    date_start = fields.Date(
        "From",
        required=True,
        tracking=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
    )
    date_end = fields.Date(
        "To",
        required=True,
        tracking=True,
        default=lambda self: (
            fields.Date.context_today(self).replace(day=1)
            + relativedelta(months=3, days=-1)
        ),
    )
    state = fields.Selection(
        [
            ("plan", "Plan"),
            ("do", "Do"),
            ("check", "Check"),
            ("act", "Act"),
            ("done", "Done"),
        ],
        required=True,
        default="plan",
        index=True,
        copy=False,
        tracking=True,
        group_expand=True,
    )
    objective = fields.Html(help="What the plan wants to reach with the customer.")
    conclusion = fields.Html(
        help="What the check showed and what is changed for the next period."
    )
    line_ids = fields.One2many("vip.account.plan.line", "plan_id", "Targets", copy=True)
    review_date = fields.Date(
        tracking=True,
        help="The day the owner checks the plan against what happened; an "
        "activity reminds them.",
    )
    achievement = fields.Float(
        "Achievement (%)",
        compute="_compute_achievement",
        digits=(16, 1),
        help="Average achievement of the targets.",
    )
    checked_on = fields.Datetime(readonly=True, copy=False)
    checked_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    previous_id = fields.Many2one(
        "vip.account.plan",
        "Previous Plan",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    next_id = fields.Many2one(
        "vip.account.plan",
        "Next Plan",
        compute="_compute_next_id",
    )

    @api.depends("line_ids.achievement")
    def _compute_achievement(self):
        for plan in self:
            values = [
                line.achievement for line in plan.line_ids if line.target or line.actual
            ]
            plan.achievement = sum(values) / len(values) if values else 0.0

    def _compute_next_id(self):
        following = self.search_fetch(
            [("previous_id", "in", self.ids)], ["previous_id"]
        )
        nexts = {plan.previous_id.id: plan for plan in following}
        for plan in self:
            plan.next_id = nexts.get(plan.id, self.browse())

    @api.constrains("date_start", "date_end", "review_date")
    def _check_dates(self):
        for plan in self:
            if plan.date_end < plan.date_start:
                raise ValidationError(
                    self.env._(
                        "Account plan %(plan)s: “%(end)s” cannot come before "
                        "“%(start)s”.",
                        plan=plan.name,
                        end=self._fields["date_end"]._description_string(self.env),
                        start=self._fields["date_start"]._description_string(self.env),
                    )
                )
            if plan.review_date and plan.review_date < plan.date_start:
                raise ValidationError(
                    self.env._(
                        "Account plan %(plan)s: the review date cannot come before "
                        "the plan starts.",
                        plan=plan.name,
                    )
                )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and self.partner_id.user_id:
            self.user_id = self.partner_id.user_id

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self.env["res.partner"]._vip_customer_vals(v) for v in vals_list]
        for vals in vals_list:
            vals.pop("contact_id", None)
            if not vals.get("review_date") and vals.get("date_end"):
                vals["review_date"] = vals["date_end"]
        plans = super().create(vals_list)
        plans._vip_schedule_review()
        return plans

    def write(self, vals):
        vals = self.env["res.partner"]._vip_customer_vals(vals)
        vals.pop("contact_id", None)
        frozen = {"partner_id", "date_start", "date_end", "company_id"} & vals.keys()
        if frozen:
            for plan in self.filtered(lambda p: p.state not in ("plan", "do")):
                field = self._fields[sorted(frozen)[0]]
                raise ValidationError(
                    self.env._(
                        "Account plan %(plan)s is checked: its “%(field)s” cannot "
                        "change any more.",
                        plan=plan.name,
                        field=field._description_string(self.env),
                    )
                )
        result = super().write(vals)
        if {"review_date", "user_id"} & vals.keys():
            self.filtered(lambda p: p.state in ("plan", "do"))._vip_schedule_review()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_planned(self):
        started = self.filtered(lambda p: p.state != "plan")
        if started:
            raise UserError(
                self.env._(
                    "Account plan %(plan)s has started: it stays as the record of "
                    "the period.",
                    plan=started[0].name,
                )
            )

    # ------------------------------------------------------------------
    # PDCA
    # ------------------------------------------------------------------

    def action_do(self):
        """Plan → Do: the targets are set, the plan is worked (its review is
        scheduled since its review date was set)."""
        self._vip_check_state(("plan",), self.env._("start"))
        for plan in self:
            if not plan.line_ids:
                raise ValidationError(
                    self.env._(
                        "Account plan %(plan)s: set at least one target before "
                        "starting it.",
                        plan=plan.name,
                    )
                )
        self._vip_workflow_write({"state": "do"})
        return True

    def action_check(self):
        """Do → Check: the actuals of the plan's dates are frozen as they are now
        (a plan checked straight from Plan skips Do)."""
        self._vip_check_state(("plan", "do"), self.env._("check"))
        self.line_ids._vip_freeze_actuals()
        self._vip_workflow_write(
            {
                "state": "check",
                "checked_on": fields.Datetime.now(),
                "checked_by_id": self.env.uid,
            }
        )
        # sudo: the review activity may be assigned to the owner, not the caller
        self.sudo()._vip_activity_feedback([ACTIVITY_REVIEW])
        return True

    def action_act(self):
        """Check → Act: what was learned goes into the next period's plan, opened
        with the same targets (the custom actuals left to type again)."""
        self._vip_check_state(("check",), self.env._("act on"))
        self._vip_workflow_write({"state": "act"})
        new_plans = self.browse()
        for plan in self:
            length = relativedelta(plan.date_end, plan.date_start)
            start = plan.date_end + relativedelta(days=1)
            end = start + length
            new = plan.copy(
                {
                    "name": plan._vip_reader_env()._("%(plan)s (next)", plan=plan.name),
                    "date_start": start,
                    "date_end": end,
                    "review_date": end,
                    "conclusion": False,
                    "line_ids": [
                        Command.create(
                            {
                                "kpi": line.kpi,
                                "name": line.name,
                                "target": line.target,
                                "sequence": line.sequence,
                            }
                        )
                        for line in plan.line_ids
                    ],
                }
            )
            # sudo: the link to the previous plan is the workflow's
            new.sudo().previous_id = plan
            new_plans |= new
        if len(new_plans) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "vip.account.plan",
                "res_id": new_plans.id,
                "views": [(False, "form")],
                "target": "current",
            }
        return True

    def action_open_next(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "vip.account.plan",
            "res_id": self.next_id.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_done(self):
        """Act → Done."""
        self._vip_check_state(("act",), self.env._("close"))
        self._vip_workflow_write({"state": "done"})
        return True

    def _vip_check_lines_open(self):
        """The targets of a checked plan are its record: they no longer change."""
        closed = self.filtered(lambda p: p.state not in ("plan", "do"))
        if closed:
            raise UserError(
                self.env._(
                    "Account plan %(plan)s is checked: its targets and actuals no "
                    "longer change; act on it to plan the next period.",
                    plan=closed[0].name,
                )
            )

    def _vip_share_of_wallet(self, revenue):
        """Revenue over the plan's dates against the customer's estimated
        potential (given for the revenue window) over the same length, in %."""
        self.ensure_one()
        # sudo: the customer's potential, whoever reads the plan
        potential = self.partner_id.sudo().vip_estimated_potential
        window_days = self.company_id.vip_window_months * 365.25 / 12
        days = (self.date_end - self.date_start).days + 1
        expected = potential * days / window_days if window_days else 0.0
        return revenue / expected * 100.0 if expected > 0 else 0.0

    def _vip_schedule_review(self):
        for plan in self:
            # sudo: the owner's activity, whoever starts the plan
            plan.sudo().activity_unlink([ACTIVITY_REVIEW])
            if not plan.review_date:
                continue
            env = self.with_context(lang=plan.user_id.lang or self.env.lang).env
            plan.with_env(env).sudo().activity_schedule(
                ACTIVITY_REVIEW,
                date_deadline=plan.review_date,
                summary=env._(
                    "Check the account plan %(plan)s of %(customer)s",
                    plan=plan.name,
                    customer=plan.partner_id.display_name,
                ),
                user_id=plan.user_id.id,
            )
