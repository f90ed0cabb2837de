"""The monthly VIP review workbook (xlsxwriter, ``constant_memory``).

Every figure comes from grouped reads (``_read_group``) and every sheet from one
``search_fetch`` per model plus one name lookup per related model: the number of
queries does not depend on the number of rows. Reads go through the environment
given (the exporting user, or the manager a digest is for), so record rules apply.
"""

import io
from bisect import bisect_right
from collections import defaultdict
from datetime import timedelta

import pytz

from odoo.fields import Domain
from odoo.tools import html2plaintext

from .moments import excel_date_format
from .vip_review_figures import VipReviewFigures
from .xlsx_writer import XlsxWriter


def _worked_seconds(bounds):
    """Function of a moment: worked seconds in the sorted work intervals
    ``bounds`` [(begin, end)] up to that moment."""
    begins = [b for b, _e in bounds]
    # cumulated worked seconds before each interval
    cumul = [0.0]
    for b, e in bounds:
        cumul.append(cumul[-1] + (e - b).total_seconds())

    def worked(moment):
        index = bisect_right(begins, moment) - 1
        if index < 0:
            return 0.0
        b, e = bounds[index]
        return cumul[index] + (min(moment, e) - b).total_seconds()

    return worked


class VipReviewWorkbook(VipReviewFigures):
    """The workbook: one sheet per practice, each built in one pass."""

    # ------------------------------------------------------------------
    # sheets
    # ------------------------------------------------------------------

    def sheet_titles(self):
        return [
            self.env._("Summary"),
            self.env._("VIP Roster"),
            self.env._("Promise Ledger"),
            self.env._("Complaints"),
            self.env._("Suggestions"),
            self.env._("Visits"),
            self.env._("Satisfaction"),
        ]

    def build(self):
        """The workbook, as bytes."""
        output = io.BytesIO()
        writer = XlsxWriter(output, self.currency, excel_date_format(self.env))
        titles = self.sheet_titles()
        self.row_counts = {}
        builders = (
            self._sheet_summary,
            self._sheet_roster,
            self._sheet_promises,
            self._sheet_complaints,
            self._sheet_suggestions,
            self._sheet_visits,
            self._sheet_satisfaction,
        )
        for title, builder in zip(titles, builders, strict=True):
            columns, rows = builder()
            self.row_counts[title] = writer.sheet(title, columns, rows)
        writer.close()
        return output.getvalue()

    def _sheet_summary(self):
        summary = self.summary()
        columns = [
            (self.env._("Tier"), "text"),
            (self.env._("Customers"), "int"),
            (self.env._("Revenue in Window"), "money"),
            (self.env._("Tier Changes In"), "int"),
            (self.env._("Tier Changes Out"), "int"),
            (self.env._("Promises Decided"), "int"),
            (self.env._("Kept on Time"), "percent"),
            (self.env._("Open Promises"), "int"),
            (self.env._("Open Promise Exposure"), "money"),
            (self.env._("Complaints"), "int"),
            (self.env._("Responses on Time"), "percent"),
            (self.env._("Resolutions on Time"), "percent"),
            (self.env._("Suggestions Decided"), "int"),
            (self.env._("Loop Closure"), "percent"),
            (self.env._("Visits"), "int"),
            (self.env._("Customers Due a Visit"), "int"),
            (self.env._("Visit Coverage"), "percent"),
        ]
        keys = [
            "tier",
            "customers",
            "revenue",
            "tier_in",
            "tier_out",
            "promises_decided",
            "kept_on_time_rate",
            "promises_open",
            "exposure",
            "complaints",
            "response_rate",
            "resolution_rate",
            "suggestions_decided",
            "loop_closure_rate",
            "visits",
            "visits_due",
            "visit_coverage",
        ]
        if self._has_field("vip_last_nps"):
            columns += [
                (self.env._("NPS Answers"), "int"),
                (self.env._("NPS"), "float"),
            ]
            keys += ["nps_answers", "nps"]
        for stage, label in self.stages:
            columns.append((self.env._("Stage: %s", label), "int"))
            keys.append(f"stage_{stage}")

        def rows():
            for row in summary:
                yield [
                    row.get(key, 0) if key != "tier" else row["tier"] for key in keys
                ]

        return columns, rows()

    def _sheet_roster(self):
        partners = self.env["res.partner"]
        fnames = [
            "complete_name",
            "vip_tier_id",
            "vip_pareto_class",
            "user_id",
            "vip_revenue",
            "vip_evaluated_on",
            "vip_since",
            "vip_last_visit_date",
            "vip_next_visit_date",
            "vip_next_management_visit_date",
        ]
        columns = [
            (self.env._("Customer"), "text"),
            (self.env._("Tier"), "text"),
            (self.env._("Pareto Class"), "text"),
            (self.env._("Salesperson"), "text"),
            (self.env._("Revenue in Window"), "money"),
            (self.env._("Revenue as of"), "date"),
            (self.env._("In Tier Since"), "date"),
            (self.env._("Last Account Manager Visit"), "date"),
            (self.env._("Next Account Manager Visit"), "date"),
            (self.env._("Next Management Visit"), "date"),
        ]
        extra = []
        if self._has_field("vip_last_nps"):
            extra.append(("vip_last_nps", (self.env._("Last NPS"), "float")))
        if self._has_field("vip_lifecycle_stage"):
            extra.append(
                ("vip_lifecycle_stage", (self.env._("Lifecycle Stage"), "text"))
            )
        if self._has_field("vip_health_score"):
            extra.append(("vip_health_score", (self.env._("Health Score"), "float")))
        fnames += [fname for fname, _col in extra]
        columns += [col for _fname, col in extra]
        # a customer who never answered has no NPS (empty, not 0)
        nps_dated = self._has_field("vip_last_nps_date")
        if nps_dated:
            fnames.append("vip_last_nps_date")
        records = partners.search_fetch(
            self._roster_domain(), fnames, order="vip_revenue desc, id"
        )
        tiers = self._names("vip.tier", records.vip_tier_id.ids, "name")
        users = self._names("res.users", records.user_id.ids, "name")
        pareto = self._labels("res.partner", "vip_pareto_class")
        stages = (
            self._labels("res.partner", "vip_lifecycle_stage")
            if self._has_field("vip_lifecycle_stage")
            else {}
        )

        def rows():
            for partner in records:
                row = [
                    partner.complete_name,
                    tiers.get(partner.vip_tier_id.id),
                    pareto.get(partner.vip_pareto_class),
                    users.get(partner.user_id.id),
                    partner.vip_revenue,
                    partner.vip_evaluated_on,
                    partner.vip_since,
                    partner.vip_last_visit_date,
                    partner.vip_next_visit_date,
                    partner.vip_next_management_visit_date,
                ]
                for fname, _col in extra:
                    value = partner[fname]
                    if fname == "vip_lifecycle_stage":
                        value = stages.get(value)
                    elif fname == "vip_last_nps" and nps_dated:
                        value = value if partner.vip_last_nps_date else None
                    row.append(value)
                yield row

        return columns, rows()

    def _sheet_promises(self):
        promises = self.env["vip.promise"]
        records = promises.search_fetch(
            self._promise_domain(),
            [
                "name",
                "partner_id",
                "tier_id",
                "user_id",
                "promise_type",
                "description",
                "currency_id",
                "value",
                "exposure",
                "deadline",
                "state",
                "done_date",
                "kept_on_time",
                "approver_id",
                "complaint_id",
                "visit_id",
            ],
            order="deadline, id",
        )
        partners = self._names("res.partner", records.partner_id.ids, "complete_name")
        tiers = self._names("vip.tier", records.tier_id.ids, "name")
        users = self._names(
            "res.users", records.user_id.ids + records.approver_id.ids, "name"
        )
        complaints = self._names("vip.complaint", records.complaint_id.ids, "name")
        currencies = {c.id: c for c in records.currency_id}
        types = self._labels("vip.promise", "promise_type")
        states = self._labels("vip.promise", "state")
        columns = [
            (self.env._("Reference"), "text"),
            (self.env._("Customer"), "text"),
            (self.env._("Tier at Submission"), "text"),
            (self.env._("Promised by"), "text"),
            (self.env._("Type"), "text"),
            (self.env._("Description"), "long"),
            (self.env._("Value"), "cmoney"),
            (self.env._("Open Exposure"), "money"),
            (self.env._("Deadline"), "date"),
            (self.env._("Status"), "text"),
            (self.env._("Closed on"), "date"),
            (self.env._("Kept on Time"), "bool"),
            (self.env._("Approved by"), "text"),
            (self.env._("From Complaint"), "text"),
        ]

        def rows():
            for promise in records:
                yield [
                    promise.name,
                    partners.get(promise.partner_id.id),
                    tiers.get(promise.tier_id.id),
                    users.get(promise.user_id.id),
                    types.get(promise.promise_type),
                    promise.description,
                    (promise.value, currencies.get(promise.currency_id.id)),
                    promise.exposure,
                    promise.deadline,
                    states.get(promise.state),
                    promise.done_date,
                    promise.kept_on_time,
                    users.get(promise.approver_id.id),
                    complaints.get(promise.complaint_id.id),
                ]

        return columns, rows()

    def _business_hours(self, records):
        """{complaint id: (hours to respond, hours to resolve)} in business hours of
        each complaint's calendar: one work-interval computation per calendar over
        the whole span, then interval arithmetic in Python."""
        spans = defaultdict(list)
        for complaint in records:
            start = complaint.received_on
            if not start:
                continue
            ends = (complaint.responded_on, complaint.resolved_on)
            spans[complaint.calendar_id.id].append((complaint, start, ends))
        result = {}
        for calendar_id, items in spans.items():
            calendar = self.env["resource.calendar"].browse(calendar_id)
            start = min(item[1] for item in items)
            stop = max(end for item in items for end in (item[1], *item[2]) if end)
            if calendar:
                intervals = calendar._work_intervals_batch(
                    pytz.utc.localize(start),
                    pytz.utc.localize(stop + timedelta(seconds=1)),
                )[False]
                bounds = [
                    (
                        b.astimezone(pytz.utc).replace(tzinfo=None),
                        e.astimezone(pytz.utc).replace(tzinfo=None),
                    )
                    for b, e, _rec in intervals
                ]
            else:
                bounds = [(start, stop + timedelta(seconds=1))]
            worked = _worked_seconds(bounds)
            for complaint, begin, ends in items:
                origin = worked(begin)
                hours = [
                    round((worked(end) - origin) / 3600, 2) if end else None
                    for end in ends
                ]
                if hours[1] is not None:
                    hours[1] = max(round(hours[1] - complaint.paused_hours, 2), 0.0)
                result[complaint.id] = hours
        return result

    def _sheet_complaints(self):
        records = self.env["vip.complaint"].search_fetch(
            self._complaint_domain(),
            [
                "name",
                "subject",
                "commercial_partner_id",
                "tier_id",
                "category_id",
                "severity",
                "channel",
                "user_id",
                "state",
                "received_on",
                "calendar_id",
                "response_hours",
                "response_deadline",
                "responded_on",
                "response_sla_state",
                "resolution_hours",
                "resolution_deadline",
                "resolved_on",
                "resolution_sla_state",
                "paused_hours",
                "escalation_level",
            ],
            order="received_on, id",
        )
        partners = self._names(
            "res.partner", records.commercial_partner_id.ids, "complete_name"
        )
        tiers = self._names("vip.tier", records.tier_id.ids, "name")
        users = self._names("res.users", records.user_id.ids, "name")
        categories = self._names(
            "vip.complaint.category", records.category_id.ids, "name"
        )
        severities = self._labels("vip.complaint", "severity")
        channels = self._labels("vip.complaint", "channel")
        states = self._labels("vip.complaint", "state")
        sla = self._labels("vip.complaint", "response_sla_state")
        hours = self._business_hours(records)
        # breaches in the SLA history: one per clock and cycle, corrections applied
        breaches = dict(
            self.env["vip.sla.milestone"]._read_group(
                Domain("complaint_id", "in", records.ids)
                & Domain("breached_on", "!=", False)
                & Domain("correction_ids", "=", False),
                ["complaint_id"],
                ["__count"],
            )
        )
        columns = [
            (self.env._("Reference"), "text"),
            (self.env._("Subject"), "long"),
            (self.env._("Customer"), "text"),
            (self.env._("Tier at Intake"), "text"),
            (self.env._("Category"), "text"),
            (self.env._("Severity"), "text"),
            (self.env._("Channel"), "text"),
            (self.env._("Responsible"), "text"),
            (self.env._("Status"), "text"),
            (self.env._("Received on"), "datetime"),
            (self.env._("Allowed Response (hours)"), "float"),
            (self.env._("Response Deadline"), "datetime"),
            (self.env._("Responded on"), "datetime"),
            (self.env._("Response SLA"), "text"),
            (self.env._("Hours to Respond (business)"), "float"),
            (self.env._("Allowed Resolution (hours)"), "float"),
            (self.env._("Resolution Deadline"), "datetime"),
            (self.env._("Resolved on"), "datetime"),
            (self.env._("Resolution SLA"), "text"),
            (self.env._("Hours to Resolve (business)"), "float"),
            (self.env._("Paused (business hours)"), "float"),
            (self.env._("Escalation Level"), "int"),
            (self.env._("SLA Breaches"), "int"),
        ]
        local = self._local

        def rows():
            for complaint in records:
                respond, resolve = hours.get(complaint.id, (None, None))
                yield [
                    complaint.name,
                    complaint.subject,
                    partners.get(complaint.commercial_partner_id.id),
                    tiers.get(complaint.tier_id.id),
                    categories.get(complaint.category_id.id),
                    severities.get(complaint.severity),
                    channels.get(complaint.channel),
                    users.get(complaint.user_id.id),
                    states.get(complaint.state),
                    local(complaint.received_on),
                    complaint.response_hours,
                    local(complaint.response_deadline),
                    local(complaint.responded_on),
                    sla.get(complaint.response_sla_state),
                    respond,
                    complaint.resolution_hours,
                    local(complaint.resolution_deadline),
                    local(complaint.resolved_on),
                    sla.get(complaint.resolution_sla_state),
                    resolve,
                    complaint.paused_hours,
                    complaint.escalation_level,
                    breaches.get(complaint, 0),
                ]

        return columns, rows()

    def _sheet_suggestions(self):
        records = self.env["vip.suggestion"].search_fetch(
            self._suggestion_domain(),
            [
                "name",
                "commercial_partner_id",
                "tier_id",
                "category",
                "user_id",
                "supporter_count",
                "raised_on",
                "state",
                "decided_on",
                "decision_note",
                "response_sent_on",
                "days_to_reply",
            ],
            order="raised_on, id",
        )
        partners = self._names(
            "res.partner", records.commercial_partner_id.ids, "complete_name"
        )
        tiers = self._names("vip.tier", records.tier_id.ids, "name")
        users = self._names("res.users", records.user_id.ids, "name")
        categories = self._labels("vip.suggestion", "category")
        states = self._labels("vip.suggestion", "state")
        columns = [
            (self.env._("Title"), "long"),
            (self.env._("Customer"), "text"),
            (self.env._("Tier"), "text"),
            (self.env._("Category"), "text"),
            (self.env._("Owner"), "text"),
            (self.env._("Supporters"), "int"),
            (self.env._("Raised on"), "datetime"),
            (self.env._("Status"), "text"),
            (self.env._("Decided on"), "datetime"),
            (self.env._("Decision"), "long"),
            (self.env._("Reply Sent On"), "datetime"),
            (self.env._("Days to Reply"), "float"),
        ]
        local = self._local

        def rows():
            for suggestion in records:
                yield [
                    suggestion.name,
                    partners.get(suggestion.commercial_partner_id.id),
                    tiers.get(suggestion.tier_id.id),
                    categories.get(suggestion.category),
                    users.get(suggestion.user_id.id),
                    suggestion.supporter_count,
                    local(suggestion.raised_on),
                    states.get(suggestion.state),
                    local(suggestion.decided_on),
                    suggestion.decision_note,
                    local(suggestion.response_sent_on),
                    suggestion.days_to_reply if suggestion.response_sent_on else None,
                ]

        return columns, rows()

    def _sheet_visits(self):
        records = self.env["vip.visit"].search_fetch(
            self._visit_domain(),
            [
                "date",
                "partner_id",
                "tier_id",
                "visit_type",
                "user_id",
                "contact_id",
                "summary",
                "customer_feedback",
                "next_steps",
            ],
            order="date, id",
        )
        partners = self._names(
            "res.partner",
            records.partner_id.ids + records.contact_id.ids,
            "complete_name",
        )
        tiers = self._names("vip.tier", records.tier_id.ids, "name")
        users = self._names("res.users", records.user_id.ids, "name")
        types = self._labels("vip.visit", "visit_type")
        raised = defaultdict(lambda: [0, 0, 0])
        for index, model in enumerate(
            ("vip.complaint", "vip.promise", "vip.suggestion")
        ):
            for visit, count in self.env[model]._read_group(
                [("visit_id", "in", records.ids)], ["visit_id"], ["__count"]
            ):
                raised[visit.id][index] = count
        columns = [
            (self.env._("Date"), "date"),
            (self.env._("Customer"), "text"),
            (self.env._("Tier at Visit"), "text"),
            (self.env._("Type"), "text"),
            (self.env._("Visited By"), "text"),
            (self.env._("Contact Met"), "text"),
            (self.env._("Summary"), "long"),
            (self.env._("Customer Feedback"), "long"),
            (self.env._("Next Steps"), "long"),
            (self.env._("Complaints Raised"), "int"),
            (self.env._("Promises Made"), "int"),
            (self.env._("Suggestions Raised"), "int"),
        ]

        def text(html):
            return html2plaintext(html) if html else None

        def rows():
            for visit in records:
                counts = raised.get(visit.id, (0, 0, 0))
                yield [
                    visit.date,
                    partners.get(visit.partner_id.id),
                    tiers.get(visit.tier_id.id),
                    types.get(visit.visit_type),
                    users.get(visit.user_id.id),
                    partners.get(visit.contact_id.id),
                    visit.summary,
                    text(visit.customer_feedback),
                    text(visit.next_steps),
                    *counts,
                ]

        return columns, rows()

    def _sheet_satisfaction(self):
        """Survey answers of the satisfaction campaigns, where that capability is
        installed; otherwise the headers only."""
        columns = [
            (self.env._("Campaign"), "text"),
            (self.env._("Customer"), "text"),
            (self.env._("Contact"), "text"),
            (self.env._("NPS Score"), "float"),
            (self.env._("Category"), "text"),
            (self.env._("Thanked on"), "datetime"),
        ]
        model_name = "vip.survey.participant"
        if model_name not in self.env or not self.env[model_name].has_access("read"):
            return columns, iter(())
        model = self.env[model_name]
        wanted = [
            "campaign_id",
            "partner_id",
            "contact_id",
            "nps_score",
            "category",
            "thanked_on",
        ]
        present = [fname for fname in wanted if fname in model._fields]
        # a participant who did not answer has no score (empty, not 0)
        answered_only = "state" in model._fields and "nps_score" in present
        fetched = present + ["state"] if answered_only else present
        domain = Domain.TRUE
        if "campaign_id" in model._fields:
            campaign_fields = self.env[
                model._fields["campaign_id"].comodel_name
            ]._fields
            if "company_id" in campaign_fields:
                domain &= Domain("campaign_id.company_id", "=", self.company.id)
            if "date_start" in campaign_fields:
                domain &= Domain("campaign_id.date_start", "<=", self.date_to)
            if "date_end" in campaign_fields:
                domain &= Domain("campaign_id.date_end", ">=", self.date_from) | Domain(
                    "campaign_id.date_end", "=", False
                )
        if self.users and "partner_id" in model._fields:
            domain &= Domain("partner_id.user_id", "in", self.users.ids)
        records = model.search_fetch(domain, fetched, order="id")
        names = {}
        for fname in present:
            field = model._fields[fname]
            if field.type == "many2one":
                comodel = field.comodel_name
                names[fname] = self._names(
                    comodel,
                    records[fname].ids,
                    "complete_name" if comodel == "res.partner" else "display_name",
                )
            elif field.type == "selection":
                names[fname] = self._labels(model_name, fname)
        local = self._local

        def value(record, fname):
            if fname not in present:
                return None
            raw = record[fname]
            if fname in names:
                key = raw.id if hasattr(raw, "_name") else raw
                return names[fname].get(key)
            if fname == "thanked_on":
                return local(raw)
            if fname == "nps_score" and answered_only and record.state != "answered":
                return None
            return raw

        def rows():
            for record in records:
                yield [value(record, fname) for fname in wanted]

        return columns, rows()
