from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain


class ResPartner(models.Model):
    _inherit = "res.partner"

    vip_visit_ids = fields.One2many(
        "vip.visit",
        "partner_id",
        "Visits",
        groups="partner_vip_care.group_vip_user",
    )
    vip_visit_count = fields.Integer(
        "Visit Count",
        compute="_compute_vip_visit_count",
        groups="partner_vip_care.group_vip_user",
    )
    vip_last_visit_date = fields.Date(
        "Last Account Manager Visit",
        compute="_compute_vip_last_visit_dates",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Date of the last account manager visit (calls and messages do not "
        "count).",
        groups="base.group_user",
    )
    vip_last_management_visit_date = fields.Date(
        "Last Management Visit",
        compute="_compute_vip_last_visit_dates",
        store=True,
        index="btree_not_null",
        copy=False,
        groups="base.group_user",
    )
    vip_next_visit_date = fields.Date(
        "Next Account Manager Visit",
        compute="_compute_vip_next_visit_dates",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Last account manager visit plus the tier's interval; a customer never "
        "visited is due from the day it entered its tier. Empty when the tier plans "
        "no visit.",
        groups="base.group_user",
    )
    vip_next_management_visit_date = fields.Date(
        "Next Management Visit",
        compute="_compute_vip_next_visit_dates",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Last management visit plus the tier's management interval; a customer "
        "never visited is due from the day it entered its tier. Empty when the tier "
        "plans no management visit.",
        groups="base.group_user",
    )
    vip_visit_overdue = fields.Boolean(
        "Visit Overdue",
        compute="_compute_vip_visit_overdue",
        search="_search_vip_visit_overdue",
        help="An account manager or management visit is past its planned date.",
        groups="base.group_user",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_vip_visit_count(self):
        counts = dict(
            self.env["vip.visit"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.vip_visit_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends("vip_visit_ids.date", "vip_visit_ids.visit_type")
    def _compute_vip_last_visit_dates(self):
        # sudo: the stored dates must not depend on who triggers the recompute
        groups = (
            self.env["vip.visit"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self._origin.ids),
                    ("visit_type", "in", ("account_manager", "management")),
                ],
                ["partner_id", "visit_type"],
                ["date:max"],
            )
        )
        last = {(partner.id, kind): date for partner, kind, date in groups}
        for partner in self:
            origin = partner._origin.id
            partner.vip_last_visit_date = last.get((origin, "account_manager"))
            partner.vip_last_management_visit_date = last.get((origin, "management"))

    @api.depends(
        "is_company",
        "parent_id",
        "vip_since",
        "vip_last_visit_date",
        "vip_last_management_visit_date",
        "vip_tier_id.visit_interval_days",
        "vip_tier_id.management_visit_interval_days",
    )
    def _compute_vip_next_visit_dates(self):
        today = fields.Date.context_today(self)
        for partner in self:
            tier = partner.vip_tier_id
            if partner.parent_id and not partner.is_company:
                tier = tier.browse()  # contacts: the plan lives on the company
            # never visited: due from the day the customer entered its tier
            start = partner.vip_since or today
            partner.vip_next_visit_date = partner._vip_next_date(
                partner.vip_last_visit_date, tier.visit_interval_days, start
            )
            partner.vip_next_management_visit_date = partner._vip_next_date(
                partner.vip_last_management_visit_date,
                tier.management_visit_interval_days,
                start,
            )

    @api.model
    def _vip_next_date(self, last, interval, start):
        if not interval:
            return False
        return last + relativedelta(days=interval) if last else start

    @api.depends_context("tz")
    @api.depends("vip_next_visit_date", "vip_next_management_visit_date")
    def _compute_vip_visit_overdue(self):
        today = fields.Date.context_today(self)
        for partner in self:
            dates = (
                partner.vip_next_visit_date,
                partner.vip_next_management_visit_date,
            )
            partner.vip_visit_overdue = any(date and date < today for date in dates)

    def _search_vip_visit_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        today = fields.Date.context_today(self)
        fnames = ("vip_next_visit_date", "vip_next_management_visit_date")
        if (operator == "in") == (True in value):
            return Domain.OR(Domain(fname, "<", today) for fname in fnames)
        return Domain.AND(
            Domain(fname, "=", False) | Domain(fname, ">=", today) for fname in fnames
        )

    def action_vip_open_visits(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_visit_action"
        )
        customers = self.commercial_partner_id
        action["domain"] = [("partner_id", "in", customers.ids)]
        action["context"] = {"default_partner_id": customers[:1].id}
        return action

    def action_vip_log_visit(self):
        self.ensure_one()
        return self.env["vip.visit"]._vip_prefilled_action(
            self.commercial_partner_id, "account_manager"
        )

    @api.model
    def _cron_plan_visits(self):
        """DESIGN.md entry point; the planner lives with the visits."""
        self.env["vip.visit"]._cron_plan_visits()
