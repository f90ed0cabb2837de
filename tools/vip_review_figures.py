"""The figures of the monthly VIP review: the period and scope of the reader
(company, salespeople, tiers, or rows picked in a list), the domains that follow
from them and the Summary's counts, from grouped reads through the reader's
environment, so record rules apply."""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import fields
from odoo.fields import Domain

OPEN_PROMISE_STATES = ("to_approve", "open")
DECIDED_PROMISE_STATES = ("kept", "broken")
SLA_DECIDED = ("met", "met_late", "breached")
NO_TIER = 0  # key of the "no tier" row of the summary


class VipReviewFigures:
    def __init__(
        self,
        env,
        date_from,
        date_to,
        company,
        users=None,
        tiers=None,
        selected=None,
    ):
        self.env = env
        self.date_from = fields.Date.to_date(date_from)
        self.date_to = fields.Date.to_date(date_to)
        self.company = company
        self.users = users or env["res.users"]
        self.tiers = tiers or env["vip.tier"]
        # {model name: ids}: the rows picked in a list replace the period filter
        self.selected = selected or {}
        self.currency = company.currency_id
        # datetimes of the period, in UTC as stored (the period is in days)
        self.dt_from = datetime.combine(self.date_from, time.min)
        self.dt_to = datetime.combine(self.date_to + timedelta(days=1), time.min)
        # the reader's time zone, else the company's (a manager without one)
        self.tz = pytz.timezone(
            env.context.get("tz") or env.user.tz or company._vip_tz()
        )

    # ------------------------------------------------------------------
    # domains
    # ------------------------------------------------------------------

    def _user_domain(self, own_field, customer_field):
        """The salespeople filter: documents they made or of their customers."""
        if not self.users:
            return Domain.TRUE
        return Domain(own_field, "in", self.users.ids) | Domain(
            customer_field, "in", self.users.ids
        )

    def _tier_domain(self, fname):
        if not self.tiers:
            return Domain.TRUE
        return Domain(fname, "in", self.tiers.ids)

    def _period(self, fname, datetimes=False):
        if datetimes:
            return Domain(fname, ">=", self.dt_from) & Domain(fname, "<", self.dt_to)
        return Domain(fname, ">=", self.date_from) & Domain(fname, "<=", self.date_to)

    def _scope(self, model, period):
        """The period filter, or the rows picked in a list when there are some."""
        if self.selected.get(model):
            return Domain("id", "in", self.selected[model])
        return period

    def _roster_domain(self):
        domain = (
            Domain("vip_tier_id", "!=", False)
            & Domain("vip_tier_id.company_id", "=", self.company.id)
            & (Domain("is_company", "=", True) | Domain("parent_id", "=", False))
            & self._tier_domain("vip_tier_id")
        )
        if self.users:
            domain &= Domain("user_id", "in", self.users.ids)
        return domain

    def _promise_domain(self):
        period = (
            self._period("submitted_on", datetimes=True)
            | self._period("done_date")
            | Domain("state", "in", OPEN_PROMISE_STATES)
        )
        return (
            Domain("company_id", "=", self.company.id)
            & Domain("state", "!=", "draft")
            & self._scope("vip.promise", period)
            & self._user_domain("user_id", "partner_id.user_id")
            & self._tier_domain("tier_id")
        )

    def _complaint_domain(self):
        return (
            Domain("company_id", "=", self.company.id)
            & Domain("state", "!=", "cancelled")
            & self._scope("vip.complaint", self._period("received_on", True))
            & self._user_domain("user_id", "commercial_partner_id.user_id")
            & self._tier_domain("tier_id")
        )

    def _suggestion_domain(self):
        period = self._period("raised_on", True) | self._period("decided_on", True)
        return (
            Domain("company_id", "=", self.company.id)
            & self._scope("vip.suggestion", period)
            & self._user_domain("user_id", "commercial_partner_id.user_id")
            & self._tier_domain("tier_id")
        )

    def _visit_domain(self):
        return (
            Domain("company_id", "=", self.company.id)
            & self._scope("vip.visit", self._period("date"))
            & self._user_domain("user_id", "partner_id.user_id")
            & self._tier_domain("tier_id")
        )

    def _history_domain(self):
        domain = Domain("company_id", "=", self.company.id) & self._period("date")
        if self.users:
            domain &= Domain("partner_id.user_id", "in", self.users.ids)
        return domain

    # ------------------------------------------------------------------
    # summary figures (grouped reads only)
    # ------------------------------------------------------------------

    def _summary_tiers(self):
        domain = Domain("company_id", "=", self.company.id) & self._tier_domain("id")
        return self.env["vip.tier"].search(domain, order="level desc")

    def _has_field(self, fname):
        return fname in self.env["res.partner"]._fields

    def _summary_sla(self, add):
        """Response and resolution compliance from the SLA history, per complaint
        and clock: decided when every cycle is, met when decided and no cycle
        ever breached (a breach answered late still counts as one)."""
        outcomes = self.env["vip.sla.milestone"]._read_group(
            Domain("complaint_id", "any", self._complaint_domain())
            & Domain("correction_ids", "=", False),
            ["complaint_id", "clock"],
            ["state:array_agg", "breached_on:count"],
        )
        for complaint, clock, states, breaches in outcomes:
            if all(state in SLA_DECIDED for state in states):
                add(complaint.tier_id, f"{clock}_decided", 1)
                if not breaches:
                    add(complaint.tier_id, f"{clock}_met", 1)

    def summary(self):
        """Figures per tier (plus "no tier" when documents have none, and the
        total), as a list of dicts with the numerators and denominators and the
        rates (fractions, None without denominator)."""
        env = self.env
        tiers = self._summary_tiers()
        keys = [*tiers.ids, NO_TIER]
        rows = {key: defaultdict(float) for key in keys}

        def add(tier, name, value):
            key = tier.id if tier else NO_TIER
            if key in rows:
                rows[key][name] += value or 0

        partners = env["res.partner"]
        roster = self._roster_domain()
        for tier, count, revenue in partners._read_group(
            roster, ["vip_tier_id"], ["__count", "vip_revenue:sum"]
        ):
            add(tier, "customers", count)
            add(tier, "revenue", revenue)
        history = env["vip.tier.history"]
        for tier, count in history._read_group(
            self._history_domain() & Domain("new_tier_id", "!=", False),
            ["new_tier_id"],
            ["__count"],
        ):
            add(tier, "tier_in", count)
        for tier, count in history._read_group(
            self._history_domain() & Domain("old_tier_id", "!=", False),
            ["old_tier_id"],
            ["__count"],
        ):
            add(tier, "tier_out", count)

        promises = env["vip.promise"]
        promise_base = (
            Domain("company_id", "=", self.company.id)
            & self._user_domain("user_id", "partner_id.user_id")
            & self._tier_domain("tier_id")
        )
        for tier, on_time, count in promises._read_group(
            promise_base
            & self._scope("vip.promise", self._period("done_date"))
            & Domain("state", "in", DECIDED_PROMISE_STATES),
            ["tier_id", "kept_on_time"],
            ["__count"],
        ):
            add(tier, "promises_decided", count)
            if on_time:
                add(tier, "promises_on_time", count)
        for tier, count, exposure in promises._read_group(
            promise_base
            & self._scope("vip.promise", Domain.TRUE)
            & Domain("state", "in", OPEN_PROMISE_STATES),
            ["tier_id"],
            ["__count", "exposure:sum"],
        ):
            add(tier, "promises_open", count)
            add(tier, "exposure", exposure)

        for tier, count in env["vip.complaint"]._read_group(
            self._complaint_domain(), ["tier_id"], ["__count"]
        ):
            add(tier, "complaints", count)
        self._summary_sla(add)

        for tier, decided, replied in env["vip.suggestion"]._read_group(
            Domain("company_id", "=", self.company.id)
            & self._scope("vip.suggestion", self._period("decided_on", True))
            & self._user_domain("user_id", "commercial_partner_id.user_id")
            & self._tier_domain("tier_id"),
            ["tier_id"],
            ["decided_count:sum", "replied_count:sum"],
        ):
            add(tier, "suggestions_decided", decided)
            add(tier, "suggestions_replied", replied)

        self._summary_visits(roster, tiers, add)
        stages = self._summary_optional(roster, add)

        for tier, count in env["vip.visit"]._read_group(
            self._visit_domain(), ["tier_id"], ["__count"]
        ):
            add(tier, "visits", count)

        result = []
        total = defaultdict(float)
        labels = {tier.id: tier.name for tier in tiers}
        labels[NO_TIER] = self.env._("No Tier")
        for key in keys:
            row = rows[key]
            if key == NO_TIER and not any(row.values()):
                continue
            for name, value in row.items():
                total[name] += value
            result.append(self._rates(dict(row, tier=labels[key], tier_id=key)))
        result.append(self._rates(dict(total, tier=self.env._("Total"), tier_id=None)))
        self.stages = stages
        return result

    def _summary_visits(self, roster, tiers, add):
        """Visit coverage: customers of a tier with a visit rhythm are due; those
        with an account manager visit within the tier's interval before the end of
        the period were visited on rhythm."""
        intervals = {tier.id: tier.visit_interval_days for tier in tiers}
        longest = max(intervals.values(), default=0)
        if not longest:
            return
        due = self.env["res.partner"].search_fetch(
            roster
            & Domain("vip_tier_id", "in", [k for k, v in intervals.items() if v]),
            ["vip_tier_id"],
        )
        last_visits = dict(
            self.env["vip.visit"]._read_group(
                Domain("partner_id", "in", due.ids)
                & Domain("visit_type", "=", "account_manager")
                & Domain("date", "<=", self.date_to)
                & Domain("date", ">", self.date_to - timedelta(days=longest)),
                ["partner_id"],
                ["date:max"],
            )
        )
        for partner in due:
            tier = partner.vip_tier_id
            add(tier, "visits_due", 1)
            last = last_visits.get(partner)
            interval = intervals[tier.id]
            if last and last > self.date_to - timedelta(days=interval):
                add(tier, "visits_on_rhythm", 1)

    def _summary_optional(self, roster, add):
        """NPS and lifecycle figures, where those capabilities are installed.
        Returns the lifecycle stages [(key, label)] shown as columns."""
        partners = self.env["res.partner"]
        if self._has_field("vip_last_nps"):
            answered = roster & Domain(
                "vip_last_nps_date"
                if self._has_field("vip_last_nps_date")
                else "vip_last_nps",
                "!=",
                False,
            )
            for name, extra in (
                ("nps_answers", Domain.TRUE),
                ("nps_promoters", Domain("vip_last_nps", ">=", 9)),
                ("nps_detractors", Domain("vip_last_nps", "<=", 6)),
            ):
                for tier, count in partners._read_group(
                    answered & extra, ["vip_tier_id"], ["__count"]
                ):
                    add(tier, name, count)
        stages = []
        if self._has_field("vip_lifecycle_stage"):
            field = partners._fields["vip_lifecycle_stage"]
            stages = field._description_selection(self.env)
            for tier, stage, count in partners._read_group(
                roster, ["vip_tier_id", "vip_lifecycle_stage"], ["__count"]
            ):
                if stage:
                    add(tier, f"stage_{stage}", count)
        return stages

    @staticmethod
    def _rates(row):
        def rate(num, den):
            return row.get(num, 0) / row[den] if row.get(den) else None

        row["kept_on_time_rate"] = rate("promises_on_time", "promises_decided")
        row["response_rate"] = rate("response_met", "response_decided")
        row["resolution_rate"] = rate("resolution_met", "resolution_decided")
        row["loop_closure_rate"] = rate("suggestions_replied", "suggestions_decided")
        row["visit_coverage"] = rate("visits_on_rhythm", "visits_due")
        if row.get("nps_answers"):
            row["nps"] = (
                100.0
                * (row.get("nps_promoters", 0) - row.get("nps_detractors", 0))
                / row["nps_answers"]
            )
        else:
            row["nps"] = None
        return row

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _names(self, model, ids, fname="display_name"):
        """{id: name} of ``ids`` in one read, two for users (their names live on
        their partners); record rules apply: a record the user may not read shows
        empty. The same queries whatever is in the cache, so that the count
        depends on the sheets, never on the rows."""
        ids = list({i for i in ids if i})
        if not ids:
            return {}
        if model == "res.users":
            users = (
                self.env[model]
                .with_context(active_test=False)
                .search_fetch([("id", "in", ids)], ["partner_id"])
            )
            names = self._names("res.partner", users.partner_id.ids, "name")
            return {user.id: names.get(user.partner_id.id, "") for user in users}
        records = (
            self.env[model]
            .with_context(active_test=False)
            .search_fetch(
                [("id", "in", ids)], [fname] if fname != "display_name" else []
            )
        )
        return {record.id: record[fname] or "" for record in records}

    def _labels(self, model, fname):
        return dict(self.env[model]._fields[fname]._description_selection(self.env))

    def _local(self, value):
        """Stored UTC datetime as the user's wall time, for Excel."""
        if not value:
            return None
        return pytz.utc.localize(value).astimezone(self.tz).replace(tzinfo=None)
