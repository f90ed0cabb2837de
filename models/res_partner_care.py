from collections import defaultdict
from datetime import datetime, time

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.fields import Domain

from ..tools.vip_lunar import solar_to_lunar

GIFT_PROMISE_SPENT = ("open", "kept")
GIFT_PROMISE_PENDING = ("to_approve",)


class ResPartner(models.Model):
    """Care that gives: the tier's benefits and what is left of them, the gift
    budget of the year, birthdays (solar or lunar) and festivals."""

    _inherit = "res.partner"

    vip_birthday = fields.Date(
        "Birthday",
        help="The person's date of birth; with “Lunar Birthday”, the birthday is "
        "kept on the same day of the lunar calendar every year.",
        groups="base.group_user",
    )
    vip_birthday_lunar = fields.Boolean(
        "Lunar Birthday",
        help="The birthday is celebrated on the lunar date of birth (a date of a "
        "leap month in the plain month of that number).",
        groups="base.group_user",
    )
    vip_care_festivals = fields.Selection(
        [("tier", "As the Tier Says"), ("yes", "Always"), ("no", "Never")],
        "Festival Gifts",
        default="tier",
        help="Whether the account manager is reminded of the festivals the company "
        "gives gifts for: as the customer's tier says, always, or never.",
        groups="base.group_user",
    )
    vip_care_occasion_ids = fields.One2many(
        "vip.care.occasion",
        "partner_id",
        "Care Occasions",
        groups="partner_vip_care.group_vip_user",
    )
    vip_benefit_usage_ids = fields.One2many(
        "vip.benefit.usage",
        "partner_id",
        "Benefit Uses",
        groups="partner_vip_care.group_vip_user",
    )
    vip_account_plan_ids = fields.One2many(
        "vip.account.plan",
        "partner_id",
        "Account Plans",
        groups="partner_vip_care.group_vip_user",
    )
    vip_benefit_status_html = fields.Html(
        "Benefits Left",
        compute="_compute_vip_benefit_status_html",
        sanitize=False,
        groups="partner_vip_care.group_vip_user",
    )
    vip_gift_budget = fields.Monetary(
        "Gift Budget (Year)",
        currency_field="vip_currency_id",
        compute="_compute_vip_gift",
        help="The yearly gift budget of the customer's tier.",
        groups="base.group_user",
    )
    vip_gift_spent = fields.Monetary(
        "Gifts This Year",
        currency_field="vip_currency_id",
        compute="_compute_vip_gift",
        help="Gifts given to the customer this calendar year: gift promises made "
        "(open or kept) and gift benefits used.",
        groups="base.group_user",
    )
    vip_gift_budget_left = fields.Monetary(
        "Gift Budget Left",
        currency_field="vip_currency_id",
        compute="_compute_vip_gift",
        help="The gift budget of the year minus the gifts given; a gift above it "
        "needs a manager's approval.",
        groups="base.group_user",
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["vip_care_festivals"]

    @api.depends_context("company", "uid")
    def _compute_vip_gift(self):
        year = fields.Date.context_today(self).year
        commercial = self.commercial_partner_id
        amounts = commercial._vip_gift_amounts(year)
        for partner in self:
            customer = partner.commercial_partner_id
            budget = customer._vip_gift_budget()
            spent = amounts.get(customer.id, (0.0, 0.0))[0]
            partner.vip_gift_budget = budget
            partner.vip_gift_spent = spent
            partner.vip_gift_budget_left = budget - spent

    @api.depends_context("lang", "uid")
    def _compute_vip_benefit_status_html(self):
        for partner in self:
            lines = partner.commercial_partner_id._vip_benefit_status_lines()
            if not lines:
                partner.vip_benefit_status_html = False
                continue
            items = Markup("").join(
                Markup("<li><b>%s</b>: %s</li>") % (name, text)
                for name, text, _status in lines
            )
            partner.vip_benefit_status_html = (
                Markup('<ul class="mb-0 o_vip_benefit_status">%s</ul>') % items
            )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        birthdays = partners.browse(
            [
                partner.id
                for partner, vals in zip(partners, vals_list, strict=True)
                if vals.get("vip_birthday")
            ]
        )
        if birthdays:
            birthdays._vip_sync_birthdays()
        return partners

    def write(self, vals):
        result = super().write(vals)
        if {"vip_birthday", "vip_birthday_lunar"} & vals.keys():
            self._vip_sync_birthdays()
        return result

    # ------------------------------------------------------------------
    # Benefits
    # ------------------------------------------------------------------

    def _vip_benefit_status(self, date=None):
        """One dict per benefit of the customer's tier: ``benefit`` (record),
        ``quota`` (0: unlimited), ``used`` (uses done in the period holding
        ``date``, default today), ``remaining`` (None when unlimited), with
        ``period``, ``period_start``, ``period_end`` and ``line`` (the
        ``vip.tier.benefit``). Counted over every use, whoever recorded it."""
        self.ensure_one()
        day = fields.Date.to_date(date) or fields.Date.context_today(self)
        customer = self.commercial_partner_id
        # sudo: the customer's tier and uses, also for its portal page
        lines = customer.sudo().vip_tier_id.benefit_ids.filtered(
            lambda line: line.benefit_id.active
        )
        if not lines:
            return []
        bounds = {line: line._period_bounds(day) for line in lines}
        usages = (
            self.env["vip.benefit.usage"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "=", customer.id),
                    ("benefit_id", "in", lines.benefit_id.ids),
                    ("state", "=", "done"),
                    ("date", ">=", min(start for start, _end in bounds.values())),
                    ("date", "<=", max(end for _start, end in bounds.values())),
                ],
                ["benefit_id", "date", "quantity"],
            )
        )
        result = []
        for line in lines:
            start, end = bounds[line]
            used = sum(
                usage.quantity
                for usage in usages
                if usage.benefit_id == line.benefit_id and start <= usage.date <= end
            )
            result.append(
                {
                    "benefit": line.benefit_id.with_env(self.env),
                    "quota": line.quota,
                    "used": used,
                    "remaining": max(line.quota - used, 0) if line.quota else None,
                    "period": line.period,
                    "period_start": start,
                    "period_end": end,
                    "line": line.with_env(self.env),
                }
            )
        return result

    def _vip_benefit_status_lines(self, date=None):
        """[(benefit name, sentence, status)] for a person to read: “2 of 4
        on-site trainings left this year”."""
        self.ensure_one()
        periods = {
            "month": self.env._("%(left)s of %(quota)s %(unit)s left this month"),
            "quarter": self.env._("%(left)s of %(quota)s %(unit)s left this quarter"),
            "year": self.env._("%(left)s of %(quota)s %(unit)s left this year"),
            "lifetime": self.env._("%(left)s of %(quota)s %(unit)s left"),
        }
        lines = []
        for status in self._vip_benefit_status(date):
            benefit = status["benefit"]
            unit = benefit.unit or ""
            if status["quota"]:
                text = periods[status["period"]] % {
                    "left": status["remaining"],
                    "quota": status["quota"],
                    "unit": unit,
                }
            else:
                text = self.env._("unlimited")
            lines.append((benefit.name, escape(" ".join(text.split())), status))
        return lines

    # ------------------------------------------------------------------
    # Gift budget
    # ------------------------------------------------------------------

    def _vip_gift_budget(self):
        """The yearly gift budget of the customer's tier, in the current
        company's currency."""
        self.ensure_one()
        # sudo: the tier's budget, whoever asks
        tier = self.commercial_partner_id.sudo().vip_tier_id
        if not tier:
            return 0.0
        company = self.env.company
        return tier.currency_id._convert(
            tier.gift_budget, company.currency_id, company, fields.Date.today()
        )

    def _vip_gift_amounts(self, year, exclude_usages=None):
        """{customer id: (spent, pending)} of the gifts of ``year`` to these
        customers, in the current company's currency: gift promises submitted in
        the year (open or kept: spent; to approve: pending) and gift benefits
        used in the year (done: spent; to approve: pending), every one counted
        whoever made it. Two grouped queries."""
        result = defaultdict(lambda: [0.0, 0.0])
        if not self:
            return {}
        company = self.env.company
        currency = company.currency_id
        today = fields.Date.today()
        start = datetime(year, 1, 1)
        end = datetime.combine(datetime(year, 12, 31), time.max)
        # sudo: every gift counts, whoever promised or gave it
        promises = (
            self.env["vip.promise"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("promise_type", "=", "gift"),
                    ("state", "in", GIFT_PROMISE_SPENT + GIFT_PROMISE_PENDING),
                    ("submitted_on", ">=", start),
                    ("submitted_on", "<=", end),
                ],
                ["partner_id", "currency_id", "state"],
                ["value:sum"],
            )
        )
        for partner, promise_currency, state, amount in promises:
            converted = promise_currency._convert(amount, currency, company, today)
            result[partner.id][state in GIFT_PROMISE_PENDING] += converted
        domain = Domain(
            [
                ("partner_id", "in", self.ids),
                ("benefit_id.benefit_type", "=", "gift"),
                ("state", "in", ("done", "to_approve")),
                ("date", ">=", start.date()),
                ("date", "<=", end.date()),
            ]
        )
        if exclude_usages:
            domain &= Domain("id", "not in", exclude_usages.ids)
        usages = (
            self.env["vip.benefit.usage"]
            .sudo()
            ._read_group(domain, ["partner_id", "company_id", "state"], ["value:sum"])
        )
        for partner, usage_company, state, amount in usages:
            converted = usage_company.currency_id._convert(
                amount, currency, company, today
            )
            result[partner.id][state == "to_approve"] += converted
        return {pid: tuple(amounts) for pid, amounts in result.items()}

    # ------------------------------------------------------------------
    # Birthdays
    # ------------------------------------------------------------------

    def _vip_sync_birthdays(self):
        """Keep each partner's automatic birthday occasion as its birthday says:
        created, updated or archived; one search, one create and one write per
        distinct value."""
        # sudo: the module's own occasions, whoever edits the contact
        Occasion = self.env["vip.care.occasion"].sudo().with_context(active_test=False)
        existing = Occasion.search_fetch(
            [
                ("partner_id", "in", self.ids),
                ("auto", "=", True),
                ("occasion_type", "=", "birthday"),
            ],
            ["partner_id", "month", "day", "lunar", "year", "active"],
        )
        by_partner = {occasion.partner_id.id: occasion for occasion in existing}
        updates = defaultdict(lambda: Occasion.browse())
        new = []
        lead_days = self.env.company.vip_care_lead_days
        for partner in self:
            occasion = by_partner.get(partner.id)
            birthday = partner.sudo().vip_birthday
            if not birthday:
                if occasion and occasion.active:
                    updates[(("active", False),)] |= occasion
                continue
            if partner.sudo().vip_birthday_lunar:
                _year, month, day, _leap = solar_to_lunar(birthday)
                wanted = {"month": month, "day": day, "lunar": True}
            else:
                wanted = {"month": birthday.month, "day": birthday.day, "lunar": False}
            wanted.update(year=birthday.year, active=True)
            if not occasion:
                new.append(
                    {
                        "partner_id": partner.id,
                        "occasion_type": "birthday",
                        "auto": True,
                        "lead_days": lead_days,
                        **wanted,
                    }
                )
                continue
            changed = tuple(
                sorted((k, v) for k, v in wanted.items() if occasion[k] != v)
            )
            if changed:
                updates[changed] |= occasion
        for changed, occasions in updates.items():
            occasions.write(dict(changed))
        Occasion.create(new)

    # ------------------------------------------------------------------
    # Actions of the VIP Care tab
    # ------------------------------------------------------------------

    def action_vip_record_benefit(self):
        self.ensure_one()
        return self.env["vip.benefit.usage"]._vip_new_action(self)

    def action_vip_open_benefit_usages(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_benefit_usage_action"
        )
        customer = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", customer.id)]
        action["context"] = {"default_partner_id": customer.id}
        return action

    def action_vip_open_occasions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_care_occasion_action"
        )
        customer = self.commercial_partner_id
        action["domain"] = [("commercial_partner_id", "=", customer.id)]
        action["context"] = {"default_partner_id": self.id}
        return action

    def action_vip_new_account_plan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Account Plan"),
            "res_model": "vip.account.plan",
            "views": [(False, "form")],
            "target": "current",
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }
