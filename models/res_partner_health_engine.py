"""The health engine of the customers: their invoices, revenue and incidents
gathered in grouped queries per company, scored (``health_assessment``), written
in batches, stage moves logged and win-back activities planned. The fields it
fills and their texts are in ``res_partner_health.py``."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from .res_partner_health import (
    CHURNED_STAGES,
    HEALTH_FIELDS,
    VIP_HEALTH_BATCH,
    VIP_HEALTH_INCIDENTS_FULL,
    VIP_HEALTH_LOOKBACK_DAYS,
    VIP_NEW_DAYS,
    VIP_WON_BACK_DAYS,
)


def health_assessment(values, settings, today):
    """(score, factors, stage) of one customer.

    ``values``: dict with ``first``, ``last`` (invoice dates), ``median`` (days, None
    with a single invoice day), ``revenue``, ``previous_revenue``, ``complaints``,
    ``promises``, ``nps`` (None when unknown), ``visit_due`` (earliest planned visit
    date or None), ``stage`` and ``since`` (stored). ``settings``: dict with
    ``weights``, ``factor``, ``min_days``, ``lost_days``, ``at_risk``. ``factors``
    is the compact list of what lowered the score, ``code:points[:argument]``
    joined by ``;``, which ``vip_health_reasons`` puts in words."""
    weights = settings["weights"]
    total = sum(weights.values()) or 1
    median = values["median"]
    lapse_days = (
        max(settings["factor"] * median, settings["min_days"])
        if median
        else (settings["min_days"])
    )
    days = (today - values["last"]).days
    penalties = _health_penalties(values, settings, today, days, lapse_days)
    factors, lost = [], 0.0
    for code, penalty, argument in penalties:
        points = weights[code] * penalty * 100 / total
        if round(points) <= 0:
            continue
        lost += points
        factors.append(f"{code}:{round(points)}:{argument}")
    score = max(0, min(100, round(100 - lost)))
    stage = _health_stage(values, settings, today, days, lapse_days, score)
    return score, ";".join(factors), stage


def _health_penalties(values, settings, today, days, lapse_days):
    """[(component, share of its weight lost, argument)] of one customer."""
    median = values["median"]
    penalties = []
    # recency against the customer's own rhythm (a single invoice: the minimum lapse
    # split by the factor)
    usual = median or settings["min_days"] / settings["factor"]
    if days > usual:
        span = lapse_days - usual
        penalty = min(1.0, (days - usual) / span) if span > 0 else 1.0
        penalties.append(("recency", penalty, ""))
    previous = values["previous_revenue"]
    if previous > 0 and values["revenue"] < previous:
        drop = min(1.0, (previous - values["revenue"]) / previous)
        penalties.append(("trend", drop, str(round(drop * 100))))
    for code in ("complaints", "promises"):
        count = values[code]
        if count:
            penalties.append(
                (code, min(1.0, count / VIP_HEALTH_INCIDENTS_FULL), str(count))
            )
    nps = values["nps"]
    if nps is not None and nps < 9:
        penalties.append(("nps", (9 - nps) / 9, str(nps)))
    due = values["visit_due"]
    if due and due < today:
        penalties.append(("visits", 1.0, due.isoformat()))
    return penalties


def _health_stage(values, settings, today, days, lapse_days, score):
    """The lifecycle stage of one customer at ``today``."""
    stage, since = values["stage"], values["since"]
    if days >= settings["lost_days"]:
        new_stage = "lost"
    elif days >= lapse_days:
        new_stage = "lapsed"
    elif stage in CHURNED_STAGES or (
        stage == "won_back" and since and (today - since).days < VIP_WON_BACK_DAYS
    ):
        # invoicing again after a lapse, and for a while after that
        new_stage = "won_back"
    elif (today - values["first"]).days < VIP_NEW_DAYS:
        new_stage = "new"
    elif score < settings["at_risk"]:
        new_stage = "at_risk"
    else:
        new_stage = "active"
    return new_stage


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _vip_health_company(self, partners=None, today=None):
        """(partners whose stage changed, whether the cron must stop). A run over
        every customer commits its batches under the scheduler; a run for given
        partners (a button, a posted invoice) is small and never commits."""
        company = self.env.company
        today = today or fields.Date.context_today(self)
        partner_ids = (
            partners.commercial_partner_id.ids if partners is not None else None
        )
        stats = self._vip_health_invoice_stats(company, today, partner_ids)
        rows = self._vip_health_rows(company, stats, partner_ids)
        if not rows:
            return self.browse(), False
        revenues = self._vip_health_revenues(company, today, partner_ids)
        incidents = self._vip_health_incidents(company, today, partner_ids)
        settings = {
            "weights": company._vip_health_weights(),
            "factor": company.vip_lapse_factor,
            "min_days": company.vip_lapse_min_days,
            "lost_days": company.vip_lost_days,
            "at_risk": company.vip_health_at_risk_score,
        }
        changes, moves = [], []
        for row in rows:
            old, new = self._vip_health_row_values(
                row, stats, revenues, incidents, settings, today
            )
            if new != old:
                changes.append((row["id"], new))
                if new[2] != old[2]:
                    moves.append((row["id"], old[2], new[2], row["user_id"]))
        commit = partners is None
        return self._vip_health_apply(company, today, rows, changes, moves, commit)

    @api.model
    def _vip_health_row_values(self, row, stats, revenues, incidents, settings, today):
        """(stored values, assessed values) of one customer row: score, factors,
        stage, since, interval, last and first invoice dates."""
        pid = row["id"]
        old = (
            row["vip_health_score"] or 0,
            row["vip_health_factors"] or "",
            row["vip_lifecycle_stage"] or False,
            row["vip_stage_since"] or False,
            row["vip_order_interval_days"] or 0.0,
            row["vip_last_invoice_date"] or False,
            row["vip_first_invoice_date"] or False,
        )
        stat = stats.get(pid)
        if not stat:  # no posted invoice any more: nothing to say
            return old, (0, "", False, False, 0.0, False, False)
        first, last, median = stat
        revenue, previous = revenues.get(pid, (0.0, 0.0))
        complaints, promises = incidents.get(pid, (0, 0))
        visit_dates = [
            d
            for d in (row["vip_next_visit_date"], row["vip_next_management_visit_date"])
            if d
        ]
        score, factors, stage = health_assessment(
            {
                "first": first,
                "last": last,
                "median": median,
                "revenue": revenue,
                "previous_revenue": previous,
                "complaints": complaints,
                "promises": promises,
                "nps": row.get("nps"),
                "visit_due": min(visit_dates) if visit_dates else None,
                "stage": old[2],
                "since": old[3],
            },
            settings,
            today,
        )
        since = old[3] if stage == old[2] else today
        interval = round(median, 1) if median else 0.0
        return old, (score, factors, stage, since, interval, last, first)

    @api.model
    def _vip_health_invoice_stats(self, company, today, partner_ids=None):
        """{commercial partner id: (first invoice date, last invoice date, median
        days between invoice dates or None)} of the posted customer invoices, in
        one statement (several invoices of one day count as one order)."""
        # sudo: every invoice counts, also those the caller may not read
        moves = self.env["account.move"].sudo()
        moves.flush_model(
            ["commercial_partner_id", "invoice_date", "state", "move_type"]
        )
        only = (
            SQL("AND commercial_partner_id = ANY(%s)", partner_ids)
            if partner_ids is not None
            else SQL()
        )
        self.env.cr.execute(
            SQL(
                """
                WITH days AS (
                    SELECT DISTINCT commercial_partner_id AS pid, invoice_date AS day
                      FROM account_move
                     WHERE company_id = %(company)s
                       AND state = 'posted'
                       AND move_type = 'out_invoice'
                       AND invoice_date <= %(today)s
                       AND commercial_partner_id IS NOT NULL
                       %(only)s
                ), gaps AS (
                    SELECT pid, day,
                           day - lag(day) OVER (PARTITION BY pid ORDER BY day) AS gap
                      FROM days
                )
                SELECT pid, min(day), max(day),
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY gap)
                  FROM gaps
                 GROUP BY pid
                """,
                company=company.id,
                today=today,
                only=only,
            )
        )
        return {
            pid: (first, last, median)
            for pid, first, last, median in self.env.cr.fetchall()
        }

    @api.model
    def _vip_health_rows(self, company, stats, partner_ids=None):
        """Stored health values of the commercial partners to assess (dicts): the
        given ones, else those with invoices in the company or a stage already, whose
        home company it is (their own company, else their salesperson's, else the
        main company)."""
        commercial = ["|", ("is_company", "=", True), ("parent_id", "=", False)]
        if partner_ids is not None:
            domain = [("id", "in", partner_ids), *commercial]
        else:
            domain = [
                "|",
                ("id", "in", list(stats)),
                ("vip_lifecycle_stage", "!=", False),
                *commercial,
                *company._vip_home_customers_domain(),
            ]
        columns = [
            "id",
            "user_id",
            *HEALTH_FIELDS,
            "vip_next_visit_date",
            "vip_next_management_visit_date",
            # the last recommendation answer of the satisfaction surveys
            "vip_last_nps",
            "vip_last_nps_date",
        ]
        self.flush_model(columns[1:])
        # sudo: every customer of the company, whoever asks for the assessment
        query = self.sudo()._search(domain)
        result = self.env.execute_query_dict(
            query.select(*(SQL.identifier(query.table, column) for column in columns))
        )
        for row in result:
            answered = row.pop("vip_last_nps_date")
            nps = row.pop("vip_last_nps")
            # an answer outside the 0-10 scale (stored before the survey refused
            # them) is no answer
            known = answered and isinstance(nps, int) and 0 <= nps <= 10
            row["nps"] = nps if known else None
        return result

    @api.model
    def _vip_health_revenues(self, company, today, partner_ids=None):
        """{commercial partner id: (revenue of the window, of the window before)},
        posted invoices minus refunds, untaxed, company currency: one statement."""
        months = company.vip_window_months
        start = today - relativedelta(months=months)
        previous_start = start - relativedelta(months=months)
        # sudo: every invoice counts, also those the caller may not read
        self.env["account.move"].sudo().flush_model(["amount_untaxed_signed"])
        only = (
            SQL("AND commercial_partner_id = ANY(%s)", partner_ids)
            if partner_ids is not None
            else SQL()
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT commercial_partner_id,
                       SUM(amount_untaxed_signed)
                           FILTER (WHERE invoice_date > %(start)s),
                       SUM(amount_untaxed_signed)
                           FILTER (WHERE invoice_date <= %(start)s)
                  FROM account_move
                 WHERE company_id = %(company)s
                   AND state = 'posted'
                   AND move_type IN ('out_invoice', 'out_refund')
                   AND invoice_date > %(previous)s
                   AND invoice_date <= %(today)s
                   AND commercial_partner_id IS NOT NULL
                   %(only)s
                 GROUP BY commercial_partner_id
                """,
                start=start,
                previous=previous_start,
                today=today,
                company=company.id,
                only=only,
            )
        )
        return {
            pid: (float(window or 0.0), float(previous or 0.0))
            for pid, window, previous in self.env.cr.fetchall()
        }

    @api.model
    def _vip_health_incidents(self, company, today, partner_ids=None):
        """{commercial partner id: (breached complaints, broken promises)} of the
        last 90 days: one grouped query per model."""
        since = today - timedelta(days=VIP_HEALTH_LOOKBACK_DAYS)
        result = {}
        # sudo: every complaint and promise counts, whoever asks. A complaint
        # counts once if its SLA history recorded a breach (response or
        # resolution, any cycle, even answered late) in the window
        complaints = (
            self.env["vip.sla.milestone"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("breached_on", ">=", fields.Datetime.to_datetime(since)),
                    (
                        "breached_on",
                        "<",
                        fields.Datetime.to_datetime(today + timedelta(days=1)),
                    ),
                    ("correction_ids", "=", False),
                    *self._vip_health_only("commercial_partner_id", partner_ids),
                ],
                ["commercial_partner_id"],
                ["complaint_id:count_distinct"],
            )
        )
        for partner, count in complaints:
            result[partner.id] = (count, 0)
        # sudo: see above
        promises = (
            self.env["vip.promise"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "broken"),
                    ("done_date", ">=", since),
                    *self._vip_health_only("partner_id", partner_ids),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner, count in promises:
            result[partner.id] = (result.get(partner.id, (0, 0))[0], count)
        return result

    @api.model
    def _vip_health_only(self, fname, partner_ids):
        return [(fname, "in", partner_ids)] if partner_ids is not None else []

    @api.model
    def _vip_health_apply(self, company, today, rows, changes, moves, commit):
        """Write the changes, post the stage notes, plan and close the win-back
        activities and keep the month's snapshot, batch by batch (committed under
        the scheduler). Returns (partners whose stage changed, stopped)."""
        changed_by_id = dict(changes)
        moves_by_id = {move[0]: move for move in moves}
        all_ids = [row["id"] for row in rows]
        remaining = len(all_ids)
        moved = self.browse()
        cron = self.env["ir.cron"]
        for ids in split_every(VIP_HEALTH_BATCH, all_ids):
            batch_changes = [
                (pid, changed_by_id[pid]) for pid in ids if pid in changed_by_id
            ]
            batch_moves = [moves_by_id[pid] for pid in ids if pid in moves_by_id]
            self._vip_health_write(batch_changes)
            if batch_moves:
                moved |= self._vip_health_stage_moves(company, today, batch_moves)
            self.env["vip.health.history"]._vip_snapshot(company, today, ids)
            remaining -= len(ids)
            if commit and not cron._vip_commit_progress(len(ids), remaining=remaining):
                return moved, True
        return moved, False

    @api.model
    def _vip_health_write(self, changes):
        """One UPDATE for the changed customers and their contacts."""
        if not changes:
            return
        self.flush_model(["commercial_partner_id", *HEALTH_FIELDS])
        columns = list(zip(*((pid, *values) for pid, values in changes), strict=True))
        ids, scores, factors, stages, since, interval, last, first = columns
        self.env.cr.execute(
            """
            UPDATE res_partner p
               SET vip_health_score = v.score,
                   vip_health_factors = NULLIF(v.factors, ''),
                   vip_lifecycle_stage = v.stage,
                   vip_stage_since = v.since,
                   vip_order_interval_days = NULLIF(v.interval, 0),
                   vip_last_invoice_date = v.last,
                   vip_first_invoice_date = v.first
              FROM unnest(%s::int[], %s::int[], %s::varchar[], %s::varchar[],
                          %s::date[], %s::numeric[], %s::date[], %s::date[])
                   AS v(id, score, factors, stage, since, interval, last, first)
             WHERE p.commercial_partner_id = v.id
            """,
            [
                list(ids),
                list(scores),
                list(factors),
                [stage or None for stage in stages],
                [day or None for day in since],
                list(interval),
                [day or None for day in last],
                [day or None for day in first],
            ],
        )
        self.invalidate_model(HEALTH_FIELDS)

    @api.model
    def _vip_health_stage_moves(self, company, today, moves):
        """Chatter note per stage change; a "Win back" activity for every customer
        entering a lapse, and its activity closed when it invoices again."""
        # one prefetch for the languages of every customer that moved
        customers = self.browse([pid for pid, *_rest in moves])
        langs = {partner.id: partner._vip_note_lang() for partner in customers}
        self._vip_health_stage_notes(moves, langs)
        lapsing = [
            (pid, user_id)
            for pid, old, new, user_id in moves
            if new in CHURNED_STAGES and old not in CHURNED_STAGES
        ]
        returning = [pid for pid, old, new, _user in moves if new == "won_back"]
        activity_type = self.env.ref("partner_vip_care.mail_activity_type_vip_win_back")
        if lapsing:
            self._vip_plan_win_back(company, today, lapsing, activity_type)
        if returning:
            self._vip_close_win_back(returning, langs, activity_type)
        return self.browse([pid for pid, *_rest in moves])

    @api.model
    def _vip_health_stage_notes(self, moves, langs):
        """One chatter note per stage change, in the customer's note language
        (``langs``: {customer id: language})."""
        texts = {}  # per language of the customers' notes (_vip_note_lang)

        def text_of(lang):
            if lang not in texts:
                env = self.with_context(lang=lang).env
                field = self._fields["vip_lifecycle_stage"]
                texts[lang] = (
                    dict(field._description_selection(env)),
                    env._("none"),
                    Markup(env._("Customer health: stage %(old)s → <b>%(new)s</b>.")),
                )
            return texts[lang]

        bodies = {}
        for pid, old, new, _user in moves:
            if not old:  # the first assessment is no change
                continue
            labels, none, note = text_of(langs[pid])
            bodies[pid] = note % {
                "old": labels.get(old, none),
                "new": labels.get(new, none),
            }
        if bodies:
            # sudo: the job's note, also on customers the caller may not edit
            self.browse(list(bodies)).sudo()._message_log_batch(bodies=bodies)

    @api.model
    def _vip_close_win_back(self, returning, langs, activity_type):
        """Close the "Win back" activities of the customers invoicing again,
        the feedback in each customer's note language."""
        # sudo: the salesperson's activity, closed by the job
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", returning),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        by_lang = {}
        for activity in activities:
            lang = langs[activity.res_id]
            by_lang[lang] = by_lang.get(lang, activities.browse()) | activity
        for lang, group in by_lang.items():
            env = self.with_context(lang=lang).env
            group.with_context(lang=lang)._action_done(
                feedback=env._("The customer invoiced again: won back.")
            )

    @api.model
    def _vip_plan_win_back(self, company, today, lapsing, activity_type):
        # sudo: whether the salespeople are still active, whoever runs the job
        users = self.env["res.users"].sudo().browse({u for _p, u in lapsing if u})
        active_ids = set(users.filtered("active").ids)
        fallback = company._vip_escalation_contact()
        model_id = self.env["ir.model"]._get_id("res.partner")
        summaries = {}  # in each assignee's language

        def summary_of(user_id):
            # sudo: the assignee's language
            user = self.env["res.users"].sudo().browse(user_id)
            lang = user.lang or company._vip_reader_lang()
            if lang not in summaries:
                env = self.with_context(lang=lang).env
                summaries[lang] = (
                    env._("Win back this customer"),
                    activity_type.with_env(env).default_note,
                )
            return summaries[lang]

        # the activities' document names read the partners one by one: load them
        # in one query first
        self.sudo().browse([pid for pid, _user in lapsing]).mapped("display_name")
        vals_list = []
        for pid, user_id in lapsing:
            assignee = (
                user_id if user_id in active_ids else (fallback or self.env.user).id
            )
            summary, note = summary_of(assignee)
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": pid,
                    "user_id": assignee,
                    "date_deadline": today,
                    "summary": summary,
                    "automated": True,
                    "note": note,
                }
            )
        # sudo: activities assigned to salespeople, not to the caller; one batch,
        # no assignment e-mail per activity (they show in the salesperson's to-do)
        self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True
        ).create(vals_list)
