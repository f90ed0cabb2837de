"""The figures of the monthly VIP review: the period and scope of the reader
(company, salespeople, tiers, or rows picked in a list), the domains that follow
from them and the Summary's figures, read from their one definition, the review
view (``vip.review.report``), on the rows of the documents the reader may read
(their record rules)."""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import fields
from odoo.fields import Domain
from odoo.tools import SQL

from ..models.vip_promise import OPEN_STATES

NO_TIER = 0  # key of the "no tier" row of the summary
# the document each kind of row of the review view stands for (its ``res_id``)
REVIEW_SOURCES = {
    "customer": "res.partner",
    "promise": "vip.promise",
    "complaint": "vip.complaint",
    "suggestion": "vip.suggestion",
    "visit": "vip.visit",
    "tier_change": "vip.tier.history",
}
# What the Summary reads from the review view, per tier: (kind of rows, within the
# period, condition on the rows, {figure: aggregate of the view}).
SUMMARY_READS = [
    (
        "customer",
        False,
        Domain.TRUE,
        {
            "customers": "customer_count:sum",
            "revenue": "revenue:sum",
            "visits_due": "visit_due_count:sum",
            "nps_answers": "nps:count",
            "nps_points": "nps:sum",
        },
    ),
    (
        "tier_change",
        True,
        Domain.TRUE,
        {"tier_in": "tier_in_count:sum", "tier_out": "tier_out_count:sum"},
    ),
    (
        "promise",
        True,
        Domain.TRUE,
        {
            "promises_decided": "kept_on_time_rate:count",
            "promises_on_time": "kept_on_time_rate:sum",
        },
    ),
    (
        "promise",
        False,
        Domain("promise_open_count", "=", 1),
        {"promises_open": "promise_open_count:sum", "exposure": "exposure:sum"},
    ),
    (
        "complaint",
        True,
        Domain.TRUE,
        {
            "complaints": "complaint_count:sum",
            "response_decided": "response_compliance:count",
            "response_met": "response_compliance:sum",
            "resolution_decided": "resolution_compliance:count",
            "resolution_met": "resolution_compliance:sum",
        },
    ),
    (
        "suggestion",
        True,
        Domain.TRUE,
        {
            "suggestions_decided": "suggestion_decided_count:sum",
            "suggestions_replied": "loop_closure_rate:sum",
        },
    ),
    ("visit", True, Domain.TRUE, {"visits": "visit_count:sum"}),
]
# figures summing a rate of the view (100 on the rows it counts, 0 on the others)
FROM_RATES = {
    "promises_on_time",
    "response_met",
    "resolution_met",
    "suggestions_replied",
}


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
        self._summary = None

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

    def _scope(self, model, period, id_field="id"):
        """The period filter, or the rows picked in a list when there are some
        (``id_field`` holds the ids of ``model``)."""
        if self.selected.get(model):
            return Domain(id_field, "in", self.selected[model])
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
            | Domain("state", "in", OPEN_STATES)
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

    # ------------------------------------------------------------------
    # summary figures, read from the review view
    # ------------------------------------------------------------------

    def _summary_tiers(self):
        domain = Domain("company_id", "=", self.company.id) & self._tier_domain("id")
        return self.env["vip.tier"].search(domain, order="level desc")

    def _stages(self):
        """The lifecycle stages [(key, label)], a column each in the Summary."""
        field = self.env["res.partner"]._fields["vip_lifecycle_stage"]
        return field._description_selection(self.env)

    def _review(self):
        # sudo: the view is the managers' dashboard; the workbook reads only the
        # rows of documents the reader may read (``_review_rows``)
        return self.env["vip.review.report"].sudo()

    def _review_rows(self, kind):
        """Rows of ``kind`` of the review view standing for documents the reader
        may read, by their own record rules."""
        source = self.env[REVIEW_SOURCES[kind]]
        return Domain("kind", "=", kind) & Domain("res_id", "any!", source._search([]))

    def _review_domain(self, kind, dated):
        """Rows of ``kind`` in the reader's scope: company, salespeople (the
        document's or its customer's), tiers, and the period when ``dated``
        (or the rows picked in a list)."""
        domain = (
            self._review_rows(kind)
            & Domain("company_id", "=", self.company.id)
            & self._user_domain("user_id", "partner_id.user_id")
            & self._tier_domain("tier_id")
        )
        period = self._period("date") if dated else Domain.TRUE
        return domain & self._scope(REVIEW_SOURCES[kind], period, "res_id")

    def summary(self):
        """Figures per tier (plus "no tier" when documents have none, and the
        total), as a list of dicts with the numerators and denominators and the
        rates (fractions, None without denominator); read once."""
        if self._summary is None:
            tiers = self._summary_tiers()
            rows = {key: defaultdict(float) for key in [*tiers.ids, NO_TIER]}

            def add(tier, name, value):
                key = tier.id if tier else NO_TIER
                if key in rows:
                    rows[key][name] += value or 0

            for kind, dated, condition, figures in SUMMARY_READS:
                self._summary_read(
                    self._review_domain(kind, dated) & condition, figures, add
                )
            self._summary_stages(add)
            self._summary_coverage(add)
            self._summary = self._summary_result(tiers, rows)
        return self._summary

    def _summary_read(self, domain, figures, add):
        """Add ``figures`` {name: aggregate} of the view's rows in ``domain``, per
        tier; a sum of rates counts the rows at 100."""
        groups = self._review()._read_group(domain, ["tier_id"], list(figures.values()))
        for tier, *values in groups:
            for name, value in zip(figures, values, strict=True):
                add(tier, name, (value or 0) / 100 if name in FROM_RATES else value)

    def _summary_stages(self, add):
        """Customers per lifecycle stage, a column each."""
        for tier, stage, count in self._review()._read_group(
            self._review_domain("customer", False),
            ["tier_id", "lifecycle_stage"],
            ["__count"],
        ):
            if stage:
                add(tier, f"stage_{stage}", count)

    def _summary_coverage(self, add):
        """Visit coverage: of the customers due a visit (their tier has a visit
        rhythm), those an account manager visited within their tier's interval
        before the end of the period (``rhythm_until`` of a visit after it)."""
        review = self._review()
        due = review._search(
            self._review_domain("customer", False) & Domain("visit_due_count", "=", 1)
        )
        for tier, count in review._read_group(
            self._review_rows("visit")
            & Domain("date", "<=", self.date_to)
            & Domain("rhythm_until", ">", self.date_to)
            & Domain(
                "partner_id", "any!", due.select(SQL.identifier(due.table, "res_id"))
            ),
            ["partner_id.vip_tier_id"],
            ["partner_id:count_distinct"],
        ):
            add(tier, "visits_on_rhythm", count)

    def _summary_result(self, tiers, rows):
        """The rows of the tiers, "no tier" when it has figures, then the total."""
        result = []
        total = defaultdict(float)
        labels = {tier.id: tier.name for tier in tiers}
        labels[NO_TIER] = self.env._("No Tier")
        for key, row in rows.items():
            if key == NO_TIER and not any(row.values()):
                continue
            for name, value in row.items():
                total[name] += value
            result.append(self._rates(dict(row, tier=labels[key], tier_id=key)))
        result.append(self._rates(dict(total, tier=self.env._("Total"), tier_id=None)))
        return result

    @staticmethod
    def _rates(row):
        def rate(num, den):
            return row.get(num, 0) / row[den] if row.get(den) else None

        row["kept_on_time_rate"] = rate("promises_on_time", "promises_decided")
        row["response_rate"] = rate("response_met", "response_decided")
        row["resolution_rate"] = rate("resolution_met", "resolution_decided")
        row["loop_closure_rate"] = rate("suggestions_replied", "suggestions_decided")
        row["visit_coverage"] = rate("visits_on_rhythm", "visits_due")
        # the view's NPS points: 100 a promoter, -100 a detractor, 0 a passive
        row["nps"] = rate("nps_points", "nps_answers")
        return row
