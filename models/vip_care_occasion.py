from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.vip_lunar import FESTIVALS, lunar_month_day_text, next_occurrence

OCCASION_TYPES = [
    ("birthday", "Birthday"),
    ("festival", "Festival"),
    ("anniversary", "Anniversary"),
    ("custom", "Custom"),
]
FESTIVAL_SELECTION = [
    ("spring_festival", "Spring Festival"),
    ("lantern", "Lantern Festival"),
    ("dragon_boat", "Dragon Boat Festival"),
    ("qixi", "Qixi Festival"),
    ("mid_autumn", "Mid-Autumn Festival"),
    ("double_ninth", "Double Ninth Festival"),
    ("laba", "Laba Festival"),
    ("new_year_eve", "Chinese New Year's Eve"),
]
DEFAULT_LEAD_DAYS = 7


class VipCareOccasion(models.Model):
    """A day to remember a customer or one of its people: a birthday (solar or
    lunar), a festival of the lunar calendar, the anniversary of the first
    invoice, or any custom day. ``next_date`` is the next occurrence; the care
    calendar's daily job reminds the account manager ``lead_days`` before."""

    _name = "vip.care.occasion"
    _description = "VIP Care Occasion"
    _inherit = ["vip.workflow.guard"]
    _order = "next_date, id"

    name = fields.Char(
        help="What the day is, when its type and festival do not say it (custom "
        "occasions)."
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Person or Company",
        required=True,
        index=True,
        ondelete="cascade",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Customer",
        store=True,
        index=True,
    )
    user_id = fields.Many2one(
        related="commercial_partner_id.user_id",
        string="Account Manager",
        store=True,
        index="btree_not_null",
    )
    tier_id = fields.Many2one(
        related="commercial_partner_id.vip_tier_id",
        string="VIP Tier",
        store=True,
        index="btree_not_null",
    )
    company_id = fields.Many2one(
        related="partner_id.company_id", store=True, index="btree_not_null"
    )
    occasion_type = fields.Selection(
        OCCASION_TYPES, "Type", required=True, default="custom"
    )
    festival = fields.Selection(
        FESTIVAL_SELECTION,
        help="Festivals follow the lunar calendar: their day changes every year.",
    )
    month = fields.Integer(help="Month of the date (lunar month for a lunar date).")
    day = fields.Integer(
        help="Day of the month (lunar day for a lunar date); a lunar 30th falls on "
        "the 29th in a month of 29 days."
    )
    lunar = fields.Boolean(
        "Lunar Date",
        help="The month and day are those of the Chinese lunar calendar: the solar "
        "date changes every year.",
    )
    year = fields.Integer(
        "Since Year",
        help="Year of birth or of the first invoice: the age or the years together.",
    )
    next_date = fields.Date(
        compute="_compute_next_date",
        store=True,
        index=True,
        help="Next occurrence, today included.",
    )
    next_year = fields.Integer(
        compute="_compute_next_date",
        store=True,
        help="Year of the next occurrence in its own calendar (the lunar year for "
        "a lunar date): one reminder per occasion and year.",
    )
    remind_date = fields.Date(
        compute="_compute_next_date",
        store=True,
        index=True,
        help="When the account manager gets the reminder: the lead days before "
        "the next occurrence.",
    )
    lead_days = fields.Integer(
        default=lambda self: self.env.company.vip_care_lead_days,
        help="Days before the occasion on which the account manager is reminded "
        "(time to send a gift).",
    )
    auto = fields.Boolean(
        "Automatic",
        readonly=True,
        help="Kept up to date by the module: from the contact's birthday, the "
        "festivals of the customer's tier, or its first invoice.",
    )
    active = fields.Boolean(default=True)
    note = fields.Text()
    date_text = fields.Char(
        "Date", compute="_compute_date_text", help="The day, as a calendar says it."
    )
    reminder_ids = fields.One2many(
        "vip.care.reminder", "occasion_id", "Reminders", readonly=True
    )

    _partner_type_idx = models.Index("(partner_id, occasion_type)")

    @api.depends("month", "day", "lunar", "lead_days", "active")
    def _compute_next_date(self):
        today = fields.Date.context_today(self)
        for occasion in self:
            found = occasion.active and occasion._vip_next_occurrence(today)
            occasion.next_date, occasion.next_year = found or (False, 0)
            occasion.remind_date = found and found[0] - timedelta(
                days=occasion.lead_days
            )

    @api.depends("month", "day", "lunar", "occasion_type", "festival")
    @api.depends_context("lang")
    def _compute_date_text(self):
        for occasion in self:
            occasion.date_text = occasion._vip_date_text()

    @api.depends("name", "partner_id", "occasion_type", "festival")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for occasion in self:
            occasion.display_name = self.env._(
                "%(occasion)s – %(person)s",
                occasion=occasion._vip_label(),
                person=occasion.partner_id.name or "",
            )

    @api.onchange("festival")
    def _onchange_festival(self):
        if self.festival:
            self.occasion_type = "festival"
            self.month, self.day = FESTIVALS[self.festival]
            self.lunar = True

    @api.constrains("occasion_type", "festival", "month", "day", "lunar", "lead_days")
    def _check_date(self):
        for occasion in self:
            if occasion.occasion_type == "festival" and not occasion.festival:
                raise ValidationError(
                    self.env._(
                        "%(occasion)s: choose the festival of a festival occasion.",
                        occasion=occasion.display_name,
                    )
                )
            if occasion.festival and (
                (occasion.month, occasion.day) != FESTIVALS[occasion.festival]
                or not occasion.lunar
            ):
                raise ValidationError(
                    self.env._(
                        "%(occasion)s: a festival keeps its own lunar date.",
                        occasion=occasion.display_name,
                    )
                )
            last_day = 30 if occasion.lunar else 31
            if not (1 <= occasion.month <= 12 and 1 <= occasion.day <= last_day):
                raise ValidationError(
                    self.env._(
                        "%(occasion)s: the month must lie between 1 and 12 and the "
                        "day between 1 and %(last)s.",
                        occasion=occasion.display_name,
                        last=last_day,
                    )
                )
            if not occasion.lunar and occasion.day > (
                29
                if occasion.month == 2
                else 30
                if occasion.month in (4, 6, 9, 11)
                else 31
            ):
                raise ValidationError(
                    self.env._(
                        "%(occasion)s: month %(month)s has no day %(day)s.",
                        occasion=occasion.display_name,
                        month=occasion.month,
                        day=occasion.day,
                    )
                )
            if not 0 <= occasion.lead_days <= 90:
                raise ValidationError(
                    self.env._(
                        "%(occasion)s: the lead days lie between 0 and 90.",
                        occasion=occasion.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("festival"):
                month, day = FESTIVALS[vals["festival"]]
                vals.update(occasion_type="festival", month=month, day=day, lunar=True)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("festival"):
            month, day = FESTIVALS[vals["festival"]]
            vals = dict(vals, occasion_type="festival", month=month, day=day)
            vals["lunar"] = True
        return super().write(vals)

    # ------------------------------------------------------------------
    # Dates and words
    # ------------------------------------------------------------------

    def _vip_next_occurrence(self, on_or_after):
        """(date, year) of the next occurrence on or after the day given."""
        self.ensure_one()
        if not (self.month and self.day):
            return None
        return next_occurrence(self.month, self.day, self.lunar, on_or_after)

    def _vip_label(self):
        """The occasion in the environment's language: the festival, the type,
        or the name of a custom occasion."""
        self.ensure_one()
        if self.festival:
            return dict(self._fields["festival"]._description_selection(self.env))[
                self.festival
            ]
        if self.occasion_type == "custom" and self.name:
            return self.name
        types = dict(self._fields["occasion_type"]._description_selection(self.env))
        return self.name or types.get(self.occasion_type, "")

    def _vip_date_text(self):
        """The day as a calendar says it: “lunar 正月十二 (1/12)” or “3/3”."""
        self.ensure_one()
        if not (self.month and self.day):
            return ""
        if self.lunar:
            return self.env._(
                "lunar %(chinese)s (%(month)s/%(day)s)",
                chinese=lunar_month_day_text(self.month, min(self.day, 30)),
                month=self.month,
                day=self.day,
            )
        return f"{self.month}/{self.day}"
