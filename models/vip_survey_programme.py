from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import format_date

RECURRENCE_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
PROGRAMME_BATCH_SIZE = 20


class VipSurveyCampaign(models.Model):
    """The survey programme: a recurring campaign opens the next one on its date
    (same survey, tiers and classes), once. The link to the next campaign is
    recorded on the server with a unique index, so that two runs, a late run or
    a run resumed after a crash never open a period twice."""

    _inherit = "vip.survey.campaign"

    recurrence = fields.Selection(
        [
            ("none", "None"),
            ("monthly", "Monthly"),
            ("quarterly", "Quarterly"),
            ("yearly", "Yearly"),
        ],
        required=True,
        default="none",
        tracking=True,
        help="A recurring campaign opens and launches the next one on its date, "
        "with the same survey, tiers, classes and sample ratio.",
    )
    next_date = fields.Date(
        "Next Campaign On",
        compute="_compute_next_date",
        store=True,
        index="btree_not_null",
        help="When the programme opens the next campaign: the start of this one "
        "plus the recurrence.",
    )
    programme_previous_id = fields.Many2one(
        "vip.survey.campaign",
        "Previous in Programme",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The recurring campaign this one was opened from.",
    )
    programme_next_ids = fields.One2many(
        "vip.survey.campaign", "programme_previous_id", "Opened Next"
    )
    programme_next_id = fields.Many2one(
        "vip.survey.campaign",
        "Next in Programme",
        compute="_compute_programme_next_id",
        help="The campaign the programme opened after this one.",
    )

    programme_launch_failed = fields.Boolean(
        readonly=True,
        copy=False,
        help="The programme could not launch this campaign (see its chatter); "
        "launch it by hand once corrected.",
    )

    _programme_previous_unique = models.UniqueIndex(
        "(programme_previous_id) WHERE programme_previous_id IS NOT NULL",
        "A campaign opens one next campaign of its programme.",
    )

    @api.depends("recurrence", "date_start")
    def _compute_next_date(self):
        for campaign in self:
            months = RECURRENCE_MONTHS.get(campaign.recurrence)
            campaign.next_date = (
                campaign.date_start + relativedelta(months=months)
                if months and campaign.date_start
                else False
            )

    @api.depends("programme_next_ids")
    def _compute_programme_next_id(self):
        for campaign in self:
            campaign.programme_next_id = campaign.programme_next_ids[:1]

    # ------------------------------------------------------------------
    # business
    # ------------------------------------------------------------------

    def _vip_programme_next_vals(self):
        """Values of the campaign that follows this one in its programme."""
        self.ensure_one()
        start = self.next_date
        vals = {
            "name": self.env._(
                "%(name)s – %(date)s",
                name=self._vip_programme_root_name(),
                date=format_date(self.env, start, date_format="yyyy-MM"),
            ),
            "company_id": self.company_id.id,
            "user_id": self.user_id.id,
            "survey_id": self.survey_id.id,
            "nps_question_id": self.nps_question_id.id,
            "csat_question_id": self.csat_question_id.id,
            "tier_ids": [fields.Command.set(self.tier_ids.ids)],
            "pareto_classes": self.pareto_classes,
            "census_class": self.census_class,
            "sample_ratio": self.sample_ratio,
            "recurrence": self.recurrence,
            "date_start": start,
            "programme_previous_id": self.id,
        }
        if self.date_end and self.date_start:
            vals["date_end"] = start + (self.date_end - self.date_start)
        return vals

    def _vip_programme_root_name(self):
        """The name of the first campaign of the programme."""
        campaign = self
        seen = set()
        while campaign.programme_previous_id and campaign.id not in seen:
            seen.add(campaign.id)
            campaign = campaign.programme_previous_id
        return campaign.name

    @api.model
    def _vip_programme_due_domain(self, today):
        return (
            Domain("recurrence", "!=", "none")
            & Domain("state", "in", ("running", "closed", "thanked"))
            & Domain("next_date", "<=", today)
            & Domain("programme_next_ids", "=", False)
        )

    @api.model
    def _vip_programme_launch_domain(self, today):
        """Campaigns the programme opened that are still to launch (a run
        stopped between opening and launching, or a launch refused)."""
        return (
            Domain("programme_previous_id", "!=", False)
            & Domain("state", "=", "draft")
            & Domain("date_start", "<=", today)
            & Domain("programme_launch_failed", "=", False)
        )

    def _vip_programme_launch(self):
        """Launch campaigns the programme opened; a refusal (no customer matches,
        survey archived) is noted on the campaign once and left to a person."""
        for campaign in self:
            try:
                with self.env.cr.savepoint():
                    campaign.action_launch()
            except UserError as error:
                campaign._vip_workflow_write({"programme_launch_failed": True})
                campaign.message_post(
                    body=self.env._(
                        "The survey programme could not launch this campaign: "
                        "%(reason)s",
                        reason=str(error),
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    @api.model
    def _cron_survey_programme(self, batch_size=PROGRAMME_BATCH_SIZE):
        """Open and launch the next campaign of each recurring campaign whose next
        date has come, once. A late run opens every period due, one after the
        other, as runs on time would have; the next-campaign link is unique, so
        a second run (or a concurrent one) opens nothing more. Batches commit in
        the scheduler; a stopped run resumes with what is left."""
        today = fields.Date.today()
        while True:
            launch = self.search(
                self._vip_programme_launch_domain(today),
                order="date_start, id",
                limit=batch_size,
            ).try_lock_for_update()
            due = self.search(
                self._vip_programme_due_domain(today),
                order="next_date, id",
                limit=batch_size,
            ).try_lock_for_update()
            if not (launch or due):
                break
            launch._vip_programme_launch()
            opened = self.browse()
            for campaign in due:
                # sudo: the programme's link and dates are the server's
                opened |= self.sudo().create(campaign._vip_programme_next_vals())
            opened._vip_programme_launch()
            remaining = self.search_count(
                self._vip_programme_due_domain(today)
            ) + self.search_count(self._vip_programme_launch_domain(today))
            if not self.env["ir.cron"]._vip_commit_progress(
                len(launch) + len(due), remaining=remaining
            ):
                break
        return True
