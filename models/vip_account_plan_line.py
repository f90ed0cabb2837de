from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

KPIS = [
    ("revenue", "Revenue"),
    ("nps", "Recommendation (0-10)"),
    ("breached_complaints", "Breached Complaints"),
    ("broken_promises", "Broken Promises"),
    ("visits", "Visits"),
    ("share_of_wallet", "Share of Wallet (%)"),
    ("custom", "Custom"),
]
# fewer is better: the achievement is met while the actual stays at or below
LOWER_IS_BETTER = frozenset(("breached_complaints", "broken_promises"))
OPEN_PLAN_STATES = ("plan", "do")


class VipAccountPlanLine(models.Model):
    """A target of an account plan. Its actual comes from the module's own
    records over the plan's dates (typed by hand for a custom target) and is
    frozen when the plan is checked."""

    _name = "vip.account.plan.line"
    _description = "VIP Account Plan Target"
    _inherit = ["vip.workflow.guard"]
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        "vip.account.plan", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    kpi = fields.Selection(
        KPIS,
        "Indicator",
        required=True,
        default="revenue",
        help="Revenue: invoiced, untaxed, refunds deducted, as the tier evaluation "
        "counts it. Recommendation: average answer (0-10) of the customer's "
        "satisfaction surveys. Breached complaints: complaints whose deadline was "
        "breached. Broken promises: promises found broken. Visits: account manager "
        "and management visits. Share of wallet: revenue against the customer's "
        "estimated potential over the same length of time. All over the plan's "
        "dates.",
    )
    name = fields.Char(
        "Description", help="What a custom target measures, or a note on the target."
    )
    target = fields.Float(digits=(16, 2))
    actual = fields.Float(
        compute="_compute_actual",
        inverse="_inverse_actual",
        digits=(16, 2),
        help="From the module's records over the plan's dates, as of now; frozen "
        "when the plan is checked. Typed by hand for a custom target.",
    )
    actual_manual = fields.Float("Actual Typed", digits=(16, 2))
    actual_frozen = fields.Float("Actual at Check", readonly=True, digits=(16, 2))
    frozen = fields.Boolean(readonly=True)
    achievement = fields.Float(
        "Achievement (%)",
        compute="_compute_achievement",
        digits=(16, 1),
        help="Actual against target; for complaints and broken promises, 100% "
        "while the actual stays at or below the target.",
    )

    @api.depends(
        "kpi",
        "frozen",
        "actual_frozen",
        "actual_manual",
        "plan_id.partner_id",
        "plan_id.date_start",
        "plan_id.date_end",
    )
    def _compute_actual(self):
        live = self.filtered(lambda line: not line.frozen and line.kpi != "custom")
        values = live._vip_live_actuals() if live else {}
        for line in self:
            if line.frozen:
                line.actual = line.actual_frozen
            elif line.kpi == "custom":
                line.actual = line.actual_manual
            else:
                line.actual = values.get(line.id, 0.0)

    def _inverse_actual(self):
        for line in self:
            line.actual_manual = line.actual

    @api.depends("kpi", "target", "actual")
    def _compute_achievement(self):
        for line in self:
            target, actual = line.target, line.actual
            if line.kpi in LOWER_IS_BETTER:
                if actual <= target:
                    line.achievement = 100.0
                else:
                    line.achievement = target / actual * 100.0
            else:
                line.achievement = actual / target * 100.0 if target > 0 else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["vip.account.plan"].browse(
            {vals["plan_id"] for vals in vals_list if vals.get("plan_id")}
        )
        plans._vip_check_lines_open()
        return super().create(vals_list)

    def write(self, vals):
        self.plan_id._vip_check_lines_open()
        if "actual" in vals:
            kpi = vals.get("kpi")
            for line in self.filtered(lambda line: (kpi or line.kpi) != "custom"):
                raise UserError(
                    self.env._(
                        "Account plan %(plan)s: the actual of “%(kpi)s” comes from "
                        "the records of the plan's dates; only a custom target's "
                        "actual is typed.",
                        plan=line.plan_id.name,
                        kpi=line._vip_kpi_label(),
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open(self):
        self.plan_id._vip_check_lines_open()

    def _vip_kpi_label(self):
        self.ensure_one()
        return dict(self._fields["kpi"]._description_selection(self.env))[self.kpi]

    def _vip_freeze_actuals(self):
        """Keep the actuals as they are now (the plan is checked)."""
        for line in self:
            # sudo: the frozen actual is the workflow's
            line.sudo().write({"actual_frozen": line.actual, "frozen": True})

    # ------------------------------------------------------------------
    # Actuals from the module's records: one grouped read per indicator
    # ------------------------------------------------------------------

    def _vip_live_actuals(self):
        """{line id: actual} over each plan's customer, company and dates, in
        one grouped read per indicator whatever the number of plans; every
        record counts, whoever reads the plan."""
        plans = self.plan_id
        kpis = set(self.mapped("kpi"))
        per_plan = defaultdict(dict)
        if kpis & {"revenue", "share_of_wallet"}:
            self._vip_revenue_actuals(plans, per_plan)
        if "nps" in kpis:
            self._vip_nps_actuals(plans, per_plan)
        self._vip_counted_actuals(plans, kpis, per_plan)
        return {
            line.id: float(per_plan[line.plan_id.id].get(line.kpi, 0.0))
            for line in self
        }

    @api.model
    def _vip_revenue_actuals(self, plans, per_plan):
        """Revenue and share of wallet of the ``plans`` into ``per_plan``
        ({plan id: {kpi: actual}})."""
        revenue = self._vip_sum_per_plan(
            plans,
            "account.move",
            "commercial_partner_id",
            "invoice_date",
            [
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ],
            "amount_untaxed_signed:sum",
            company=True,
        )
        for plan in plans:
            amount = revenue.get(plan.id, 0.0)
            per_plan[plan.id]["revenue"] = amount
            per_plan[plan.id]["share_of_wallet"] = plan._vip_share_of_wallet(amount)

    @api.model
    def _vip_nps_actuals(self, plans, per_plan):
        """Average recommendation of the ``plans``' campaign answers (else the
        customer's last score given within the dates) into ``per_plan``."""
        answered_domain = [("state", "=", "answered"), ("category", "!=", False)]
        sums = self._vip_sum_per_plan(
            plans,
            "vip.survey.participant",
            "partner_id",
            "answered_on",
            answered_domain,
            "nps_score:sum",
        )
        counts = self._vip_sum_per_plan(
            plans,
            "vip.survey.participant",
            "partner_id",
            "answered_on",
            answered_domain,
            "__count",
        )
        for plan in plans:
            count = counts.get(plan.id)
            if count:
                per_plan[plan.id]["nps"] = sums[plan.id] / count
                continue
            # no campaign answer in the dates: the customer's last score, if
            # it was given within them
            # sudo: the customer's score, whoever reads the plan
            partner = plan.partner_id.sudo()
            answered = partner.vip_last_nps_date
            inside = answered and plan.date_start <= answered <= plan.date_end
            per_plan[plan.id]["nps"] = partner.vip_last_nps if inside else 0.0

    @api.model
    def _vip_counted_actuals(self, plans, kpis, per_plan):
        """The counted indicators among ``kpis`` (breached complaints, broken
        promises, visits) of the ``plans`` into ``per_plan``."""
        counted = {}
        if "breached_complaints" in kpis:
            counted["breached_complaints"] = self._vip_sum_per_plan(
                plans,
                "vip.sla.milestone",
                "commercial_partner_id",
                "breached_on",
                [("correction_ids", "=", False)],
                None,
                company=True,
                distinct="complaint_id",
            )
        if "broken_promises" in kpis:
            counted["broken_promises"] = self._vip_sum_per_plan(
                plans,
                "vip.promise",
                "partner_id",
                "done_date",
                [("state", "=", "broken")],
                "__count",
                company=True,
            )
        if "visits" in kpis:
            counted["visits"] = self._vip_sum_per_plan(
                plans,
                "vip.visit",
                "partner_id",
                "date",
                [("visit_type", "in", ("account_manager", "management"))],
                "__count",
                company=True,
            )
        for kpi, per_plan_count in counted.items():
            for plan in plans:
                per_plan[plan.id][kpi] = per_plan_count.get(plan.id, 0)

    @api.model
    def _vip_sum_per_plan(
        self,
        plans,
        model,
        partner_field,
        date_field,
        domain,
        aggregate,
        company=False,
        distinct=None,
    ):
        """{plan id: aggregate} of ``model`` over each plan's customer (and
        company) and dates: one ``_read_group`` by customer and day, the days
        then summed into the plans holding them. With ``distinct``, the number
        of distinct values of that field instead."""
        Model = self.env[model].sudo()  # sudo: every record counts
        is_datetime = Model._fields[date_field].type == "datetime"
        start = min(plans.mapped("date_start"))
        end = max(plans.mapped("date_end"))
        bounds = (start, end + timedelta(days=1))
        if is_datetime:
            bounds = tuple(datetime.combine(day, time.min) for day in bounds)
        full_domain = [
            *domain,
            (partner_field, "in", plans.partner_id.ids),
            (date_field, ">=", bounds[0]),
            (date_field, "<", bounds[1]),
        ]
        groupby = [partner_field, f"{date_field}:day"]
        if company:
            groupby.append("company_id")
        if distinct:
            groupby.append(distinct)
        aggregates = [aggregate] if aggregate else []
        result = defaultdict(float)
        seen = defaultdict(set)
        for row in Model._read_group(full_domain, groupby, aggregates):
            partner, day = row[0], fields.Date.to_date(row[1])
            row_company = row[2] if company else None
            for plan in plans:
                if (
                    plan.partner_id != partner
                    or not plan.date_start <= day <= plan.date_end
                    or (company and plan.company_id != row_company)
                ):
                    continue
                if distinct:
                    seen[plan.id].add(row[-1].id)
                    result[plan.id] = len(seen[plan.id])
                else:
                    result[plan.id] += row[-1] or 0.0
        return result
