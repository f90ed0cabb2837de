from odoo import fields, models


class VipCareReminder(models.Model):
    """The care calendar's record of the reminders it scheduled: one row per
    occasion and year, unique in the database, so that no run (late, repeated or
    concurrent) ever reminds twice. Read-only for everyone: written by the job
    only."""

    _name = "vip.care.reminder"
    _description = "VIP Care Reminder"
    _order = "date desc, id desc"

    occasion_id = fields.Many2one(
        "vip.care.occasion", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="occasion_id.partner_id")
    year = fields.Integer(
        required=True,
        help="Year of the occurrence in its own calendar (lunar for a lunar date).",
    )
    date = fields.Date("Occasion Date", required=True)
    user_id = fields.Many2one("res.users", "Reminded", index="btree_not_null")
    activity_id = fields.Many2one(
        "mail.activity", index="btree_not_null", ondelete="set null"
    )
    company_id = fields.Many2one(related="occasion_id.company_id")

    _occasion_year_unique = models.UniqueIndex(
        "(occasion_id, year)",
        "An occasion is reminded once a year.",
    )
