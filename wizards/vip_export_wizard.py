from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.vip_review_workbook import VipReviewWorkbook

# list views the wizard is bound to: the picked rows replace the period filter
SELECTION_FIELDS = {
    "vip.promise": "promise_ids",
    "vip.complaint": "complaint_ids",
    "vip.visit": "visit_ids",
}


class VipExportWizard(models.TransientModel):
    _name = "vip.export.wizard"
    _description = "VIP Review Workbook (Excel)"

    def _default_date_from(self):
        """The last full month: its first day."""
        first = fields.Date.context_today(self).replace(day=1)
        return first - relativedelta(months=1)

    def _default_date_to(self):
        """The last full month: its last day."""
        return fields.Date.context_today(self).replace(day=1) - relativedelta(days=1)

    def _default_user_ids(self):
        # a salesperson reviews their own customers; managers everyone's
        if self.env.user.has_group("partner_vip_care.group_vip_manager"):
            return self.env["res.users"]
        return self.env.user

    # labels of their own: "From" and "To" are other terms elsewhere (a tier's
    # threshold on its card)
    date_from = fields.Date(
        "Start Date", required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(
        "End Date", required=True, default=lambda self: self._default_date_to()
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Salespeople",
        default=lambda self: self._default_user_ids(),
        domain=[("share", "=", False)],
        help="Only the documents these people made or of their customers; empty "
        "means everyone's you may read.",
    )
    tier_ids = fields.Many2many(
        "vip.tier",
        string="Tiers",
        domain="[('company_id', '=', company_id)]",
        help="Only these tiers; empty means all.",
    )
    promise_ids = fields.Many2many("vip.promise", string="Selected Promises")
    complaint_ids = fields.Many2many("vip.complaint", string="Selected Complaints")
    visit_ids = fields.Many2many("vip.visit", string="Selected Visits")
    selection_count = fields.Integer(compute="_compute_selection_count")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        fname = SELECTION_FIELDS.get(self.env.context.get("active_model"))
        ids = self.env.context.get("active_ids")
        if fname and ids and fname in fields_list:
            # only what the user may read; the period then spans the selection
            records = self.env[self.env.context["active_model"]].search(
                [("id", "in", ids)]
            )
            values[fname] = [fields.Command.set(records.ids)]
            dates = [
                fields.Datetime.to_datetime(value).date()
                for value in records.mapped(
                    {
                        "vip.promise": "create_date",
                        "vip.complaint": "received_on",
                        "vip.visit": "date",
                    }[records._name]
                )
                if value
            ]
            if dates:
                values["date_from"] = min(dates)
                values["date_to"] = max(max(dates), values.get("date_to") or dates[0])
        return values

    @api.depends("promise_ids", "complaint_ids", "visit_ids")
    def _compute_selection_count(self):
        for wizard in self:
            wizard.selection_count = (
                len(wizard.promise_ids)
                + len(wizard.complaint_ids)
                + len(wizard.visit_ids)
            )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._(
                        "Review workbook: the start date (From) must not be after "
                        "the end date (To)."
                    )
                )

    def _vip_workbook(self):
        self.ensure_one()
        selected = {
            model: self[fname].ids
            for model, fname in SELECTION_FIELDS.items()
            if self[fname]
        }
        # the user's own environment: record rules decide what the workbook shows
        env = self.env(
            context=dict(self.env.context, allowed_company_ids=self._vip_companies())
        )
        return VipReviewWorkbook(
            env,
            self.date_from,
            self.date_to,
            self.company_id.with_env(env),
            users=self.user_ids.with_env(env),
            tiers=self.tier_ids.with_env(env),
            selected=selected,
        )

    def _vip_companies(self):
        # env.companies, not the raw context key: Odoo checks it against the
        # user's companies (an RPC client may send any ids)
        allowed = self.env.companies.ids
        if self.company_id.id in allowed:
            return allowed
        return [self.company_id.id, *allowed]

    def _vip_file_name(self):
        return self.env._(
            "VIP review %(date_from)s – %(date_to)s.xlsx",
            date_from=fields.Date.to_string(self.date_from),
            date_to=fields.Date.to_string(self.date_to),
        )

    def action_export(self):
        """Build the workbook and download it."""
        self.ensure_one()
        data = self._vip_workbook().build()
        attachment = self.env["ir.attachment"].create(
            {
                "name": self._vip_file_name(),
                "raw": data,
                "mimetype": "application/vnd.openxmlformats-officedocument."
                "spreadsheetml.sheet",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
