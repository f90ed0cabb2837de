import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, split_every

_logger = logging.getLogger(__name__)

# Partners whose tier change is written (and committed by the cron) at once.
VIP_EVALUATION_BATCH = 1000
# Share of the window revenue closing classes A and B (the rest is C).
PARETO_LIMITS = (("a", 0.80), ("b", 0.95))


def pareto_classes(revenues):
    """Pareto class per partner id for {partner_id: revenue}: A is the smallest set of
    customers making 80% of the positive revenue, B the next 15%, C the rest."""
    total = sum(amount for amount in revenues.values() if amount > 0)
    classes = {}
    cumulative = 0.0
    # highest revenue first, ties by id (stable sort on the ids sorted first)
    ranked = sorted(sorted(revenues), key=revenues.__getitem__, reverse=True)
    # the share before a customer only grows down the ranking, so does its class
    limit_index, last_index = 0, len(PARETO_LIMITS)
    for partner_id in ranked:
        amount = revenues[partner_id]
        share_before = cumulative / total if total > 0 and amount > 0 else 1.0
        if amount > 0:
            cumulative += amount
        while (
            limit_index < last_index and share_before >= (PARETO_LIMITS[limit_index][1])
        ):
            limit_index += 1
        classes[partner_id] = (
            PARETO_LIMITS[limit_index][0] if limit_index < last_index else "c"
        )
    return classes


class VipTier(models.Model):
    """The tier evaluation: the ladder of a company decides the tier of each of
    its customers from invoiced revenue (``res.partner._vip_evaluate_tiers`` and
    the daily cron call it)."""

    _inherit = "vip.tier"

    @api.model
    def _vip_evaluate(self, partners=None):
        """Evaluate the VIP tier of ``partners`` (default: every customer whose home
        company is the current one) from invoiced revenue; return the partners whose
        tier changed. Under the scheduler, each batch is committed."""
        Partner = self.env["res.partner"]
        company = self.env.company
        # sudo: the company's whole ladder, whoever asks for the evaluation
        tiers = (
            self.env["vip.tier"]
            .sudo()
            .search([("company_id", "=", company.id)], order="level desc")
        )
        if not tiers:
            _logger.info(
                "VIP tier evaluation of %s skipped: no tier configured", company.name
            )
            return Partner.browse()
        today = fields.Date.context_today(self)
        revenues = self._vip_window_revenue(company, today)
        classes = pareto_classes(revenues)
        # Plain rows rather than records: the loops below run over every customer.
        rows = self._vip_candidate_rows(company, revenues, partners)
        self._vip_store_figures(rows, revenues, classes, today)
        plan = self._vip_plan_tier_changes(rows, tiers, revenues, today)
        return self._vip_apply_tier_changes(plan, revenues, today)

    @api.model
    def _vip_window_revenue(self, company, today):
        """{commercial partner id: posted invoices minus refunds, untaxed, company
        currency} over the window, in one grouped query."""
        date_from = today - relativedelta(months=company.vip_window_months)
        # sudo: revenue of every invoice, also those the caller may not read
        moves = self.env["account.move"].sudo()
        moves.flush_model(["commercial_partner_id", "amount_untaxed_signed"])
        query = moves._search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("invoice_date", ">", date_from),
                ("invoice_date", "<=", today),
                ("commercial_partner_id", "!=", False),
            ]
        )
        # plain (id, sum) rows: _read_group would build a record per customer
        partner = SQL.identifier(query.table, "commercial_partner_id")
        query.groupby = partner
        amount = SQL.identifier(query.table, "amount_untaxed_signed")
        return dict(
            self.env.execute_query(query.select(partner, SQL("SUM(%s)", amount)))
        )

    @api.model
    def _vip_candidate_rows(self, company, revenues, partners=None):
        """Rows (id, tier id, locked, lock until, in tier since, revenue, class) of the
        commercial partners to evaluate: the given ones, else the company's customers
        (with revenue in the window or a tier of the company) whose home company it is:
        their own company, else their salesperson's, else the main (first created)
        company."""
        Partner = self.env["res.partner"]
        commercial = ["|", ("is_company", "=", True), ("parent_id", "=", False)]
        if partners is not None:
            domain = [("id", "in", partners.ids), *commercial]
        else:
            # sudo: archived tiers too, whoever asks for the evaluation
            all_tiers = (
                self.env["vip.tier"]
                .sudo()
                .with_context(active_test=False)
                .search([("company_id", "=", company.id)])
            )
            domain = [
                "|",
                ("id", "in", list(revenues)),
                ("vip_tier_id", "in", all_tiers.ids),
                *commercial,
                *company._vip_home_customers_domain(),
            ]
        columns = [
            "id",
            "vip_tier_id",
            "vip_tier_locked",
            "vip_lock_until",
            "vip_since",
            "vip_revenue",
            "vip_pareto_class",
        ]
        Partner.flush_model(columns[1:])
        # sudo: every customer of the company, whoever asks for the evaluation
        query = Partner.sudo()._search(domain)
        return self.env.execute_query(
            query.select(*(SQL.identifier(query.table, column) for column in columns))
        )

    @api.model
    def _vip_store_figures(self, rows, revenues, classes, today):
        """Write revenue and Pareto class where they changed, on the commercial
        partners and their contacts, in one statement."""
        Partner = self.env["res.partner"]
        currency = self.env.company.currency_id
        changed = []
        for partner_id, _tier, _locked, _until, _since, stored, pareto in rows:
            revenue = revenues.get(partner_id, 0.0)
            new_class = classes.get(partner_id, "c")
            if pareto != new_class or (
                stored != revenue and currency.compare_amounts(stored or 0.0, revenue)
            ):
                changed.append((partner_id, revenue, new_class))
        if not changed:
            return
        ids, amounts, pareto = zip(*changed, strict=True)
        figures = ["vip_revenue", "vip_pareto_class", "vip_evaluated_on"]
        Partner.flush_model(["commercial_partner_id", *figures])
        self.env.cr.execute(
            """
            UPDATE res_partner p
               SET vip_revenue = v.revenue, vip_pareto_class = v.pareto,
                   vip_evaluated_on = %s
              FROM unnest(%s::int[], %s::numeric[], %s::varchar[])
                   AS v(id, revenue, pareto)
             WHERE p.commercial_partner_id = v.id
            """,
            [today, list(ids), list(amounts), list(pareto)],
        )
        Partner.invalidate_model(figures)

    @api.model
    def _vip_plan_tier_changes(self, rows, tiers, revenues, today):
        """{(new tier, reason): partners} for the partners whose tier must change;
        ``tiers`` sorted best first. Expired locks are released on the way."""
        Partner = self.env["res.partner"]
        ladder = [(t, t.id, t.level, t.qualify_amount, t.retain_amount) for t in tiers]
        held = {t.id: (t.level, t.retain_amount) for t in tiers}
        grace = self.env.company.vip_downgrade_grace_days
        # sudo: levels of the customers' current tiers, archived ones included
        Tier = self.env["vip.tier"].sudo().with_context(active_test=False)
        levels = {t.id: t.level for t in Tier.browse({row[1] for row in rows} - {None})}
        plan = defaultdict(list)
        expired = []
        for partner_id, tier_id, locked, until, since, _revenue, _class in rows:
            if locked:
                if not until or until >= today:
                    continue
                expired.append(partner_id)
            revenue = revenues.get(partner_id, 0.0)
            target = next((t for t in ladder if t[3] <= revenue), None)
            target_id, target_level = (target[1], target[2]) if target else (None, -1)
            if target_id == tier_id:
                continue
            current = held.get(tier_id)  # an active tier of this company: hysteresis
            if current and target_level < current[0]:
                in_grace = since and (today - since).days < grace
                if revenue >= current[1] or in_grace:
                    continue
            upgrade = not tier_id or target_level > levels[tier_id]
            tier = target[0] if target else tiers[:0]
            plan[tier, "upgrade" if upgrade else "downgrade"].append(partner_id)
        Partner.browse(expired)._vip_release_expired_locks()
        return {key: Partner.browse(ids) for key, ids in plan.items()}

    @api.model
    def _vip_apply_tier_changes(self, plan, revenues, today):
        Partner = self.env["res.partner"]
        changed = Partner.browse()
        remaining = sum(len(partners) for partners in plan.values())
        for (tier, reason), partners in plan.items():
            # bounded batches: the first evaluation may move 100k customers at once
            for ids in split_every(VIP_EVALUATION_BATCH, partners.ids):
                batch = Partner.browse(ids)
                batch._vip_set_tier(tier, reason, revenues, today)
                changed |= batch
                remaining -= len(batch)
                if not self.env["ir.cron"]._vip_commit_progress(
                    len(batch), remaining=remaining
                ):
                    return changed
        return changed
