from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..tools.vip_lunar import FESTIVALS
from .vip_promise_number import USAGE_SEQUENCE_CODE

CARE_BATCH_SIZE = 1000
ACTIVITY_CARE = "partner_vip_care.mail_activity_type_vip_care_occasion"


class VipCareOccasion(models.Model):
    """The care calendar's daily job: occasions kept up to date (festivals of
    the tiers that give festival gifts, anniversaries of the first invoice),
    next dates moved on once passed, and one reminder per occasion and year for
    the account manager, ``lead_days`` ahead.

    The result at a day T depends on T only: an occasion is reminded when T lies
    between its reminder day and the occasion itself, once (a unique row per
    occasion and year, ``vip.care.reminder``); a day passed while the job did
    not run is not reminded afterwards, whatever ran before."""

    _inherit = "vip.care.occasion"

    @api.model
    def _cron_vip_care_calendar(self):
        today = fields.Date.context_today(self)
        self._vip_sync_festivals()
        self._vip_sync_anniversaries()
        while self._vip_move_next_dates(today):
            pass
        if not self.env["ir.cron"]._vip_time_left():
            return  # the scheduler runs the job again for the rest
        last_id = 0
        while last_id is not None:
            last_id = self._vip_remind_batch(today, last_id)
        # the usage ledger's numbering of next year, well before 1 January
        self.env["vip.promise"]._vip_ensure_sequence_ranges(
            years_ahead=1, code=USAGE_SEQUENCE_CODE
        )

    # ------------------------------------------------------------------
    # Occasions the module keeps: festivals, anniversaries
    # ------------------------------------------------------------------

    @api.model
    def _vip_sync_festivals(self):
        """Festival occasions for the customers that get festival gifts (their
        tier's flag, unless they opted out; or they opted in), one per festival
        their company chose; the others archived."""
        # sudo: every customer and tier, whoever runs the job
        Partner = self.env["res.partner"].sudo()
        tiers = self.env["vip.tier"].sudo().search([("festival_gifts", "=", True)])
        customers = Partner.search_fetch(
            (Domain("is_company", "=", True) | Domain("parent_id", "=", False))
            & (
                Domain("vip_care_festivals", "=", "yes")
                | (
                    Domain("vip_care_festivals", "!=", "no")
                    & Domain("vip_tier_id", "in", tiers.ids)
                )
            ),
            ["vip_tier_id", "company_id"],
        )
        main = self.env["res.company"].sudo().search([], order="id", limit=1)
        desired = set()
        for customer in customers:
            company = customer.vip_tier_id.company_id or customer.company_id or main
            for festival in company._vip_care_festival_codes():
                desired.add((customer.id, festival))
        self._vip_apply_auto(
            "festival",
            {key: {"festival": key[1]} for key in desired},
            lambda occasion: (occasion.partner_id.id, occasion.festival),
        )

    @api.model
    def _vip_sync_anniversaries(self):
        """An anniversary occasion for each company customer, on the day of its
        first posted invoice; archived when there is none any more."""
        # sudo: every invoice counts, whoever runs the job
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("state", "=", "posted"),
                    ("move_type", "=", "out_invoice"),
                    ("invoice_date", "!=", False),
                    ("commercial_partner_id.is_company", "=", True),
                ],
                ["commercial_partner_id"],
                ["invoice_date:min"],
            )
        )
        self._vip_apply_auto(
            "anniversary",
            {
                (partner.id, "anniversary"): {
                    "month": first.month,
                    "day": first.day,
                    "year": first.year,
                }
                for partner, first in groups
            },
            lambda occasion: (occasion.partner_id.id, "anniversary"),
        )

    @api.model
    def _vip_apply_auto(self, occasion_type, desired, key_of):
        """Make the automatic occasions of ``occasion_type`` exactly ``desired``
        ({(partner id, key): values}): create the missing ones, update and
        reactivate those that differ, archive the others."""
        # sudo: the module's own occasions, whoever runs the job
        Occasion = self.sudo().with_context(active_test=False)
        existing = Occasion.search_fetch(
            [("auto", "=", True), ("occasion_type", "=", occasion_type)],
            ["partner_id", "festival", "month", "day", "year", "lunar", "active"],
        )
        lead_days = self.env.company.vip_care_lead_days
        seen = set()
        updates = defaultdict(lambda: Occasion.browse())
        for occasion in existing:
            key = key_of(occasion)
            values = desired.get(key)
            if values is None or key in seen:
                if occasion.active:
                    updates[(("active", False),)] |= occasion
                continue
            seen.add(key)
            wanted = dict(self._vip_auto_values(values), active=True)
            changed = tuple(
                sorted(
                    (fname, value)
                    for fname, value in wanted.items()
                    if fname != "festival" and occasion[fname] != value
                )
            )
            if changed:
                updates[changed] |= occasion
        for changed, occasions in updates.items():
            occasions.write(dict(changed))
        Occasion.create(
            [
                {
                    "partner_id": key[0],
                    "occasion_type": occasion_type,
                    "auto": True,
                    "lead_days": lead_days,
                    **self._vip_auto_values(values),
                }
                for key, values in desired.items()
                if key not in seen
            ]
        )

    @api.model
    def _vip_auto_values(self, values):
        if values.get("festival"):
            month, day = FESTIVALS[values["festival"]]
            return {
                "festival": values["festival"],
                "month": month,
                "day": day,
                "lunar": True,
                "year": 0,
            }
        return {"lunar": False, "year": 0, **values}

    # ------------------------------------------------------------------
    # Next dates and reminders
    # ------------------------------------------------------------------

    @api.model
    def _vip_move_next_dates(self, today):
        """Move on one batch of occasions whose next date has passed, in one
        statement; True when more wait."""
        stale = self.sudo().search_fetch(
            [("next_date", "<", today)],
            ["month", "day", "lunar", "lead_days"],
            limit=CARE_BATCH_SIZE,
            order="id",
        )
        if not stale:
            return False
        rows = []
        for occasion in stale:
            found = occasion._vip_next_occurrence(today)
            next_date, year = found or (None, 0)
            remind = next_date and next_date - timedelta(days=occasion.lead_days)
            rows.append((occasion.id, next_date, year, remind or None))
        ids, dates, years, reminds = zip(*rows, strict=True)
        fnames = ["next_date", "next_year", "remind_date"]
        self.env.cr.execute(
            """
            UPDATE vip_care_occasion o
               SET next_date = v.next_date, next_year = v.next_year,
                   remind_date = v.remind_date
              FROM unnest(%s::int[], %s::date[], %s::int[], %s::date[])
                   AS v(id, next_date, next_year, remind_date)
             WHERE o.id = v.id
            """,
            [list(ids), list(dates), list(years), list(reminds)],
        )
        self.invalidate_model(fnames)
        full = len(stale) == CARE_BATCH_SIZE
        return bool(self.env["ir.cron"]._vip_commit_progress(len(stale))) and full

    @api.model
    def _vip_due_ids(self, today, last_id, limit):
        """Ids (ascending, above ``last_id``) of the active occasions to remind
        at ``today``: its reminder day has come, the occasion has not passed,
        and no reminder of that year exists."""
        self.flush_model(["active", "next_date", "next_year", "remind_date"])
        self.env["vip.care.reminder"].flush_model(["occasion_id", "year"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT o.id FROM vip_care_occasion o
                 WHERE o.active AND o.remind_date <= %(today)s
                   AND o.next_date >= %(today)s AND o.id > %(last_id)s
                   AND NOT EXISTS (
                       SELECT 1 FROM vip_care_reminder r
                        WHERE r.occasion_id = o.id AND r.year = o.next_year)
                 ORDER BY o.id
                 LIMIT %(limit)s
                """,
                today=today,
                last_id=last_id,
                limit=limit,
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _vip_remind_batch(self, today, last_id):
        """Remind one batch of the due occasions: one activity each for the
        account manager (else the company's escalation contact), and the
        reminder rows. Returns the last id handled, None when done."""
        ids = self._vip_due_ids(today, last_id, CARE_BATCH_SIZE)
        if not ids:
            return None
        # sudo: the job reads every occasion; another worker's are skipped
        occasions = self.sudo().browse(ids).try_lock_for_update()
        if occasions:
            # a real update: a concurrent run that read these rows before this
            # one commits fails and is retried, instead of reminding again
            self.env.cr.execute(
                "UPDATE vip_care_occasion SET write_date = write_date"
                " WHERE id = ANY(%s)",
                [occasions.ids],
            )
        occasions._vip_schedule_reminders()
        remaining = 0
        if len(ids) == CARE_BATCH_SIZE:
            remaining = len(self._vip_due_ids(today, ids[-1], 10 * CARE_BATCH_SIZE))
        if not self.env["ir.cron"]._vip_commit_progress(len(ids), remaining=remaining):
            return None
        return ids[-1] if len(ids) == CARE_BATCH_SIZE else None

    def _vip_schedule_reminders(self):
        """One activity per occasion for whoever takes care of it, in their
        language, and the reminder rows saying so."""
        if not self:
            return
        self._vip_prefetch_reminders()
        users = self._vip_reminder_users()
        activity_type = self.env.ref(ACTIVITY_CARE)
        model_id = self.env["ir.model"]._get_id("res.partner")
        envs = {}
        activities, reminders = [], []
        for occasion in self:
            user = users[occasion.id]
            if not user:
                continue  # nobody to remind: not recorded, reminded once someone is
            lang = user.lang or self.env.lang or "en_US"
            if lang not in envs:
                envs[lang] = self.with_context(lang=lang).env
            env = envs[lang]
            activities.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": occasion.partner_id.id,
                    "user_id": user.id,
                    "date_deadline": occasion.next_date,
                    "summary": occasion.with_env(env)._vip_reminder_summary(),
                    "note": activity_type.with_env(env).default_note,
                    "automated": True,
                }
            )
            reminders.append(
                {
                    "occasion_id": occasion.id,
                    "year": occasion.next_year,
                    "date": occasion.next_date,
                    "user_id": user.id,
                }
            )
        # sudo: activities for the account managers; no mail for each of them,
        # the activity menu lists them (a reminder a day per customer otherwise)
        created = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(activities)
        )
        for values, activity in zip(reminders, created, strict=True):
            values["activity_id"] = activity.id
        self.env["vip.care.reminder"].sudo().create(reminders)

    def _vip_prefetch_reminders(self):
        """Read at once what the occasions' reminders need."""
        self.fetch(
            [
                "partner_id",
                "commercial_partner_id",
                "occasion_type",
                "festival",
                "month",
                "day",
                "lunar",
                "name",
                "next_date",
                "next_year",
                "company_id",
                "tier_id",
            ]
        )
        people = self.partner_id | self.commercial_partner_id
        people.fetch(["name", "user_id"])
        people.user_id.fetch(["active", "share", "lang"])
        # the activities' record names, computed for the batch at once
        self.partner_id.mapped("display_name")

    def _vip_reminder_users(self):
        """{occasion id: user to remind}: the customer's salesperson, else the
        escalation contact of the tier's (or occasion's, or main) company;
        an empty user when there is nobody."""
        main = self.env["res.company"].sudo().search([], order="id", limit=1)
        fallbacks = {}
        users = {}
        for occasion in self:
            user = occasion.commercial_partner_id.user_id
            if not user.active or user.share:
                company = occasion.tier_id.company_id or occasion.company_id or main
                if company not in fallbacks:
                    fallbacks[company] = company._vip_escalation_contact()
                user = fallbacks[company]
            users[occasion.id] = user
        return users

    def _vip_reminder_summary(self):
        """The activity's summary in the environment's language: person,
        occasion and date (the lunar date too, for a lunar occasion)."""
        self.ensure_one()
        day = format_date(self.env, self.next_date, lang_code=self.env.lang)
        if self.lunar:
            day = self.env._(
                "%(date)s, %(lunar)s", date=day, lunar=self._vip_date_text()
            )
        if self.occasion_type == "festival":
            return self.env._(
                "%(occasion)s on %(date)s: greetings or a gift for %(person)s",
                occasion=self._vip_label(),
                date=day,
                person=self.partner_id.name,
            )
        return self.env._(
            "%(occasion)s of %(person)s on %(date)s",
            occasion=self._vip_label(),
            person=self.partner_id.name,
            date=day,
        )
