"""The monthly VIP review workbook (xlsxwriter, ``constant_memory``).

The Summary comes from the review view (``VipReviewFigures.summary``); every other
sheet is a list of columns over one ``search_fetch``, plus one name lookup per
related model and a few grouped reads: the number of queries does not depend on
the number of rows. Reads go through the environment given (the exporting user,
or the manager a digest is for), so record rules apply.
"""

import io
from collections import defaultdict

import pytz

from odoo.fields import Domain
from odoo.tools import html2plaintext

from .moments import excel_date_format
from .vip_review_figures import VipReviewFigures
from .vip_review_loyalty import word_of_mouth_sheet
from .vip_review_plans import account_plan_sheet
from .xlsx_writer import XlsxWriter

# the field naming a record of a related model in the sheets (default: name)
NAME_FIELDS = {"res.partner": "complete_name"}


def _answered(fname, answered_fname):
    """Cell of a score: empty when the record has no answer (never 0)."""

    def value(record, _facts):
        return record[fname] if record[answered_fname] else None

    return value


class VipReviewWorkbook(VipReviewFigures):
    """The workbook: one sheet per practice, each built in one pass."""

    def sheet_titles(self):
        return [
            self.env._("Summary"),
            self.env._("VIP Roster"),
            self.env._("Promise Ledger"),
            self.env._("Complaints"),
            self.env._("Suggestions"),
            self.env._("Visits"),
            self.env._("Satisfaction"),
            self.env._("Word of Mouth"),
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
            self._sheet_word_of_mouth,
        )
        for title, builder in zip(titles, builders, strict=True):
            columns, rows = builder()
            self.row_counts[title] = writer.sheet(title, columns, rows)
        self.row_counts.update(account_plan_sheet(self, writer))
        writer.close()
        return output.getvalue()

    # ------------------------------------------------------------------
    # a sheet: columns over the records of a model
    # ------------------------------------------------------------------

    def _sheet(self, model, domain, order, columns, reads=(), facts=None):
        """Header and rows of the records of ``model`` in ``domain``: ``columns``
        [(label, kind, value)], a value being a field name (shown by
        ``_cells``) or a function of the record and of what ``facts(records)``
        returned. One ``search_fetch`` for the fields and ``reads``."""
        fnames = [value for _label, _kind, value in columns if isinstance(value, str)]
        records = self.env[model].search_fetch(
            domain, list(dict.fromkeys([*fnames, *reads])), order=order
        )
        cells = self._cells(records, fnames)
        found = facts(records) if facts else None
        getters = [
            cells[value]
            if isinstance(value, str)
            else (lambda record, value=value: value(record, found))
            for _label, _kind, value in columns
        ]

        def rows():
            for record in records:
                yield [getter(record) for getter in getters]

        return [(label, kind) for label, kind, _value in columns], rows()

    def _cells(self, records, fnames):
        """{field name: function of a record giving its cell}: a many2one by
        name (one lookup per related model for all its fields), a selection by
        label, a datetime in the reader's time zone, html as text, the rest as
        it is."""
        fields = records._fields
        related = defaultdict(list)
        for fname in fnames:
            if fields[fname].type == "many2one":
                related[fields[fname].comodel_name].append(fname)
        names = {}
        for comodel, m2o_fnames in related.items():
            ids = [id_ for fname in m2o_fnames for id_ in records[fname].ids]
            found = self._names(comodel, ids, NAME_FIELDS.get(comodel, "name"))
            names.update(dict.fromkeys(m2o_fnames, found))
        return {fname: self._cell(records, fname, names.get(fname)) for fname in fnames}

    def _cell(self, records, fname, names):
        """Function of a record giving the cell of its field ``fname``."""
        ftype = records._fields[fname].type
        if ftype == "many2one":
            return lambda record: names.get(record[fname].id)
        if ftype == "selection":
            labels = self._labels(records._name, fname)
            return lambda record: labels.get(record[fname])
        if ftype == "datetime":
            return lambda record: self._local(record[fname])
        if ftype == "html":
            return lambda record: (
                html2plaintext(record[fname]) if record[fname] else None
            )
        return lambda record: record[fname]

    # ------------------------------------------------------------------
    # sheets
    # ------------------------------------------------------------------

    def _sheet_summary(self):
        columns = [
            (self.env._("Tier"), "text", "tier"),
            (self.env._("Customers"), "int", "customers"),
            (self.env._("Revenue in Window"), "money", "revenue"),
            (self.env._("Tier Changes In"), "int", "tier_in"),
            (self.env._("Tier Changes Out"), "int", "tier_out"),
            (self.env._("Promises Decided"), "int", "promises_decided"),
            (self.env._("Kept on Time"), "percent", "kept_on_time_rate"),
            (self.env._("Open Promises"), "int", "promises_open"),
            (self.env._("Open Promise Exposure"), "money", "exposure"),
            (self.env._("Complaints"), "int", "complaints"),
            (self.env._("Responses on Time"), "percent", "response_rate"),
            (self.env._("Resolutions on Time"), "percent", "resolution_rate"),
            (self.env._("Suggestions Decided"), "int", "suggestions_decided"),
            (self.env._("Loop Closure"), "percent", "loop_closure_rate"),
            (self.env._("Visits"), "int", "visits"),
            (self.env._("Customers Due a Visit"), "int", "visits_due"),
            (self.env._("Visit Coverage"), "percent", "visit_coverage"),
            (self.env._("NPS Answers"), "int", "nps_answers"),
            (self.env._("NPS"), "float", "nps"),
        ]
        columns += [
            (self.env._("Stage: %s", label), "int", f"stage_{stage}")
            for stage, label in self._stages()
        ]
        rows = (
            [row.get(key, 0) for _label, _kind, key in columns]
            for row in self.summary()
        )
        return [(label, kind) for label, kind, _key in columns], rows

    def _sheet_roster(self):
        columns = [
            (self.env._("Customer"), "text", "complete_name"),
            (self.env._("Tier"), "text", "vip_tier_id"),
            (self.env._("Pareto Class"), "text", "vip_pareto_class"),
            (self.env._("Salesperson"), "text", "user_id"),
            (self.env._("Revenue in Window"), "money", "vip_revenue"),
            (self.env._("Revenue as of"), "date", "vip_evaluated_on"),
            (self.env._("In Tier Since"), "date", "vip_since"),
            (self.env._("Last Account Manager Visit"), "date", "vip_last_visit_date"),
            (self.env._("Next Account Manager Visit"), "date", "vip_next_visit_date"),
            (
                self.env._("Next Management Visit"),
                "date",
                "vip_next_management_visit_date",
            ),
            # a customer who never answered has no NPS (empty, not 0)
            (
                self.env._("Last NPS"),
                "float",
                _answered("vip_last_nps", "vip_last_nps_date"),
            ),
            (self.env._("Lifecycle Stage"), "text", "vip_lifecycle_stage"),
            (self.env._("Health Score"), "float", "vip_health_score"),
        ]
        return self._sheet(
            "res.partner",
            self._roster_domain(),
            "vip_revenue desc, id",
            columns,
            reads=("vip_last_nps", "vip_last_nps_date"),
        )

    def _sheet_promises(self):
        columns = [
            (self.env._("Reference"), "text", "name"),
            (self.env._("Customer"), "text", "partner_id"),
            (self.env._("Tier at Submission"), "text", "tier_id"),
            (self.env._("Promised by"), "text", "user_id"),
            (self.env._("Type"), "text", "promise_type"),
            (self.env._("Description"), "long", "description"),
            (self.env._("Value"), "cmoney", lambda p, _f: (p.value, p.currency_id)),
            (self.env._("Open Exposure"), "money", "exposure"),
            (self.env._("Deadline"), "date", "deadline"),
            (self.env._("Status"), "text", "state"),
            (self.env._("Closed on"), "date", "done_date"),
            (self.env._("Kept on Time"), "bool", "kept_on_time"),
            (self.env._("Approved by"), "text", "approver_id"),
            (self.env._("From Complaint"), "text", "complaint_id"),
        ]
        return self._sheet(
            "vip.promise",
            self._promise_domain(),
            "deadline, id",
            columns,
            reads=["value", "currency_id"],
        )

    def _sheet_complaints(self):
        columns = [
            (self.env._("Reference"), "text", "name"),
            (self.env._("Subject"), "long", "subject"),
            (self.env._("Customer"), "text", "commercial_partner_id"),
            (self.env._("Tier at Intake"), "text", "tier_id"),
            (self.env._("Category"), "text", "category_id"),
            (self.env._("Severity"), "text", "severity"),
            (self.env._("Channel"), "text", "channel"),
            (self.env._("Responsible"), "text", "user_id"),
            (self.env._("Status"), "text", "state"),
            (self.env._("Received on"), "datetime", "received_on"),
            (self.env._("Allowed Response (hours)"), "float", "response_hours"),
            (self.env._("Response Deadline"), "datetime", "response_deadline"),
            (self.env._("Responded on"), "datetime", "responded_on"),
            (self.env._("Response SLA"), "text", "response_sla_state"),
            (
                self.env._("Hours to Respond (business)"),
                "float",
                lambda c, f: f["hours"][c.id][0],
            ),
            (self.env._("Allowed Resolution (hours)"), "float", "resolution_hours"),
            (self.env._("Resolution Deadline"), "datetime", "resolution_deadline"),
            (self.env._("Resolved on"), "datetime", "resolved_on"),
            (self.env._("Resolution SLA"), "text", "resolution_sla_state"),
            (
                self.env._("Hours to Resolve (business)"),
                "float",
                lambda c, f: f["hours"][c.id][1],
            ),
            (self.env._("Paused (business hours)"), "float", "paused_hours"),
            (self.env._("Escalation Level"), "int", "escalation_level"),
            (self.env._("SLA Breaches"), "int", lambda c, f: f["breaches"].get(c, 0)),
        ]
        return self._sheet(
            "vip.complaint",
            self._complaint_domain(),
            "received_on, id",
            columns,
            reads=["calendar_id"],
            facts=lambda records: {
                "hours": self._business_hours(records),
                "breaches": self._breaches(records),
            },
        )

    def _business_hours(self, records):
        """{complaint id: (hours to respond, hours to resolve)} in business hours of
        each complaint's schedule (``resource.calendar``'s engine, the one that
        planned its deadlines): one computation of the work intervals per
        schedule. Waiting on the customer does not count towards resolving."""
        result = dict.fromkeys(records.ids, (None, None))
        for calendar, complaints in records.grouped("calendar_id").items():
            hours = calendar._vip_business_hours_batch(
                [(c.received_on, c.responded_on) for c in complaints]
                + [(c.received_on, c.resolved_on) for c in complaints]
            )
            for complaint, respond, resolve in zip(
                complaints,
                hours[: len(complaints)],
                hours[len(complaints) :],
                strict=True,
            ):
                respond, resolve = (
                    None if value is None else round(value, 2)
                    for value in (respond, resolve)
                )
                if resolve is not None:
                    resolve = max(round(resolve - complaint.paused_hours, 2), 0.0)
                result[complaint.id] = (respond, resolve)
        return result

    def _breaches(self, records):
        """{complaint: breaches in its SLA history}, one per clock and cycle,
        corrections applied."""
        return dict(
            self.env["vip.sla.milestone"]._read_group(
                Domain("complaint_id", "in", records.ids)
                & Domain("breached_on", "!=", False)
                & Domain("correction_ids", "=", False),
                ["complaint_id"],
                ["__count"],
            )
        )

    def _sheet_suggestions(self):
        columns = [
            (self.env._("Title"), "long", "name"),
            (self.env._("Customer"), "text", "commercial_partner_id"),
            (self.env._("Tier"), "text", "tier_id"),
            (self.env._("Category"), "text", "category"),
            (self.env._("Owner"), "text", "user_id"),
            (self.env._("Supporters"), "int", "supporter_count"),
            (self.env._("Raised on"), "datetime", "raised_on"),
            (self.env._("Status"), "text", "state"),
            (self.env._("Decided on"), "datetime", "decided_on"),
            (self.env._("Decision"), "long", "decision_note"),
            (self.env._("Reply Sent On"), "datetime", "response_sent_on"),
            (
                self.env._("Days to Reply"),
                "float",
                lambda s, _f: s.days_to_reply if s.response_sent_on else None,
            ),
        ]
        return self._sheet(
            "vip.suggestion",
            self._suggestion_domain(),
            "raised_on, id",
            columns,
            reads=["days_to_reply"],
        )

    def _sheet_visits(self):
        columns = [
            (self.env._("Date"), "date", "date"),
            (self.env._("Customer"), "text", "partner_id"),
            (self.env._("Tier at Visit"), "text", "tier_id"),
            (self.env._("Type"), "text", "visit_type"),
            (self.env._("Visited By"), "text", "user_id"),
            (self.env._("Contact Met"), "text", "contact_id"),
            (self.env._("Summary"), "long", "summary"),
            (self.env._("Customer Feedback"), "long", "customer_feedback"),
            (self.env._("Next Steps"), "long", "next_steps"),
            (self.env._("Complaints Raised"), "int", lambda v, f: f[v.id][0]),
            (self.env._("Promises Made"), "int", lambda v, f: f[v.id][1]),
            (self.env._("Suggestions Raised"), "int", lambda v, f: f[v.id][2]),
        ]
        return self._sheet(
            "vip.visit",
            self._visit_domain(),
            "date, id",
            columns,
            facts=self._raised_at_visits,
        )

    def _raised_at_visits(self, visits):
        """{visit id: [complaints, promises, suggestions] raised at it}."""
        raised = defaultdict(lambda: [0, 0, 0])
        for index, model in enumerate(
            ("vip.complaint", "vip.promise", "vip.suggestion")
        ):
            for visit, count in self.env[model]._read_group(
                [("visit_id", "in", visits.ids)], ["visit_id"], ["__count"]
            ):
                raised[visit.id][index] = count
        return raised

    def _sheet_satisfaction(self):
        """Answers of the satisfaction campaigns of the company running in the
        period (headers only for who may not read them)."""
        columns = [
            (self.env._("Campaign"), "text", "campaign_id"),
            (self.env._("Customer"), "text", "partner_id"),
            (self.env._("Contact"), "text", "contact_id"),
            # a participant who did not answer has no score (empty, not 0)
            (
                self.env._("NPS Score"),
                "float",
                lambda p, _f: p.nps_score if p.state == "answered" else None,
            ),
            (self.env._("Category"), "text", "category"),
            (self.env._("Thanked on"), "datetime", "thanked_on"),
        ]
        model = "vip.survey.participant"
        if not self.env[model].has_access("read"):
            return [(label, kind) for label, kind, _value in columns], iter(())
        domain = (
            Domain("campaign_id.company_id", "=", self.company.id)
            & Domain("campaign_id.date_start", "<=", self.date_to)
            & (
                Domain("campaign_id.date_end", ">=", self.date_from)
                | Domain("campaign_id.date_end", "=", False)
            )
        )
        if self.users:
            domain &= Domain("partner_id.user_id", "in", self.users.ids)
        return self._sheet(model, domain, "id", columns, reads=("nps_score", "state"))

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

    def _sheet_word_of_mouth(self):
        return word_of_mouth_sheet(self)
