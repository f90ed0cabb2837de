import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, split_every

_logger = logging.getLogger(__name__)

# Kept on the commercial entity and copied to its contacts by Odoo's commercial sync.
VIP_COMMERCIAL_FIELDS = [
    "vip_tier_id",
    "vip_tier_locked",
    "vip_lock_reason",
    "vip_lock_until",
    "vip_revenue",
    "vip_evaluated_on",
    "vip_since",
    "vip_pareto_class",
    "vip_referred_by_id",
]
# Only VIP managers set these by hand; the evaluation sets the tier in sudo.
VIP_MANAGER_FIELDS = frozenset(
    ("vip_tier_id", "vip_tier_locked", "vip_lock_reason", "vip_lock_until")
)
VIP_COMPLAINT_OPEN_STATES = ("new", "in_progress", "waiting")
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


class ResPartner(models.Model):
    # the guard refuses direct writes of the evaluation's figures (vip_revenue…)
    _inherit = ["res.partner", "vip.workflow.guard"]

    vip_tier_id = fields.Many2one(
        "vip.tier",
        "VIP Tier",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        domain="[('company_id', 'in', allowed_company_ids)]",
    )
    vip_tier_color = fields.Integer(related="vip_tier_id.color")
    vip_tier_level = fields.Integer(related="vip_tier_id.level")
    vip_tier_locked = fields.Boolean(
        "Tier Locked",
        tracking=True,
        copy=False,
        help="The evaluation leaves a locked tier alone until the lock expires.",
    )
    vip_lock_reason = fields.Char("Lock Reason", tracking=True, copy=False)
    vip_lock_until = fields.Date(
        "Locked Until",
        tracking=True,
        copy=False,
        help="Empty: locked until unlocked by hand.",
    )
    vip_currency_id = fields.Many2one(
        "res.currency", compute="_compute_vip_currency_id"
    )
    vip_revenue = fields.Monetary(
        "Revenue in Window",
        currency_field="vip_currency_id",
        readonly=True,
        copy=False,
        help="Invoiced revenue (untaxed, refunds deducted) of the evaluation window, "
        "in company currency, as of the last evaluation that changed it.",
    )
    vip_evaluated_on = fields.Date(
        "Revenue as of",
        readonly=True,
        copy=False,
        help="Date of the last evaluation that changed the revenue or Pareto class.",
    )
    vip_since = fields.Date(
        "In Tier Since", readonly=True, copy=False, help="Date of the last tier change."
    )
    vip_pareto_class = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")],
        "Pareto Class",
        readonly=True,
        copy=False,
        help="A: the smallest set of customers making 80% of the revenue; B: the "
        "next 15%; C: the rest.",
    )
    vip_referred_by_id = fields.Many2one(
        "res.partner",
        "Referred By",
        index="btree_not_null",
        copy=False,
        domain="[('is_company', '=', True)]",
    )
    vip_referral_count = fields.Integer(
        "Referrals", compute="_compute_vip_referral_count"
    )
    vip_tier_history_ids = fields.One2many(
        "vip.tier.history", "partner_id", "Tier History"
    )
    # complaints taken by phone find the customer through this E.164 column
    phone_sanitized = fields.Char(index="btree_not_null")
    vip_complaint_count = fields.Integer(
        "Complaints",
        compute="_compute_vip_complaint_count",
        groups="partner_vip_care.group_vip_user",
    )

    @api.depends_context("company")
    def _compute_vip_currency_id(self):
        self.vip_currency_id = self.env.company.currency_id

    def _compute_vip_referral_count(self):
        counts = dict(
            self._read_group(
                [
                    ("vip_referred_by_id", "in", self.ids),
                    "|",
                    ("is_company", "=", True),
                    ("parent_id", "=", False),
                ],
                ["vip_referred_by_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.vip_referral_count = counts.get(partner, 0)

    @api.depends_context("uid")
    def _compute_vip_complaint_count(self):
        groups = self.env["vip.complaint"]._read_group(
            [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
            ["commercial_partner_id", "state"],
            ["__count"],
        )
        counts, open_counts = defaultdict(int), defaultdict(int)
        for partner, state, count in groups:
            counts[partner] += count
            if state in VIP_COMPLAINT_OPEN_STATES:
                open_counts[partner] += count
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.vip_complaint_count = counts[commercial]
            partner.vip_open_complaint_count = open_counts[commercial]

    def action_vip_open_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_complaint_action"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        action["context"] = {"default_partner_id": self.id}
        return action

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + VIP_COMMERCIAL_FIELDS

    @api.constrains("vip_tier_locked", "vip_lock_reason")
    def _check_vip_lock_reason(self):
        for partner in self:
            if partner.vip_tier_locked and not (partner.vip_lock_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "%(partner)s: locking the VIP tier needs a lock reason.",
                        partner=partner.display_name,
                    )
                )

    @api.constrains("vip_referred_by_id")
    def _check_vip_referral(self):
        for partner in self:
            if partner.vip_referred_by_id.commercial_partner_id == (
                partner.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._("A customer cannot be referred by itself.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            VIP_MANAGER_FIELDS & vals.keys() for vals in vals_list
        ):
            self._vip_check_manager()
        return super().create(vals_list)

    def write(self, vals):
        """A VIP manager's change of tier or lock is logged in the tier history.
        Server code (the evaluation, Odoo's sync of commercial fields to contacts)
        writes in superuser mode and keeps its own history."""
        if self.env.su or not VIP_MANAGER_FIELDS & vals.keys():
            return super().write(vals)
        self._vip_check_manager()
        commercial = self.filtered(lambda p: p.commercial_partner_id == p)
        before = {p.id: (p.vip_tier_id, p.vip_tier_locked) for p in commercial}
        result = super().write(vals)
        if "vip_tier_id" in vals:
            # sudo: the guarded "in tier since" follows the manager's change
            commercial.sudo().write({"vip_since": fields.Date.context_today(self)})
        commercial._vip_log_manual_changes(before)
        return result

    def _vip_check_manager(self):
        if not self.env.user.has_group("partner_vip_care.group_vip_manager"):
            raise UserError(
                self.env._(
                    "VIP Tier: only VIP Care managers can change or lock a VIP tier."
                )
            )

    def _vip_log_manual_changes(self, before):
        rows = []
        for partner in self:
            old_tier, was_locked = before[partner.id]
            base = {
                "partner_id": partner.id,
                "old_tier_id": old_tier.id,
                "new_tier_id": partner.vip_tier_id.id,
                "revenue": partner.vip_revenue,
            }
            if old_tier != partner.vip_tier_id:
                rows.append(dict(base, reason="manual"))
            if was_locked != partner.vip_tier_locked:
                reason = "lock" if partner.vip_tier_locked else "unlock"
                rows.append(dict(base, reason=reason, note=partner.vip_lock_reason))
        # sudo: the history is append-only, written by server code only
        self.env["vip.tier.history"].sudo().create(rows)

    # ------------------------------------------------------------------
    # Evaluation
    # ------------------------------------------------------------------

    def action_vip_evaluate(self):
        changed = self.commercial_partner_id._vip_evaluate_tiers(
            self.commercial_partner_id
        )
        message = (
            self.env._("The VIP tier changed.")
            if changed
            else self.env._("The VIP tier stays the same.")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if changed else "info",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_vip_evaluate_tiers(self):
        # commit per batch only when the scheduler runs the job (outside it,
        # _commit_progress would commit the caller's transaction)
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        for company in self.env["res.company"].search([]):
            self.with_company(company)._vip_evaluate_tiers(commit=in_cron)

    @api.model
    def _vip_evaluate_tiers(self, partners=None, commit=False):
        """Evaluate the VIP tier of ``partners`` (default: every customer whose home
        company is the current one) from invoiced revenue; return the partners whose
        tier changed. With ``commit`` (the cron), commit after each batch."""
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
            return self.browse()
        today = fields.Date.context_today(self)
        revenues = self._vip_window_revenue(company, today)
        classes = pareto_classes(revenues)
        # Plain rows rather than records: the loops below run over every customer.
        rows = self._vip_candidate_rows(company, revenues, partners)
        self._vip_store_figures(rows, revenues, classes, today)
        plan = self._vip_plan_tier_changes(rows, tiers, revenues, today)
        return self._vip_apply_tier_changes(plan, revenues, today, commit)

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
            shared_home = [("user_id.company_id", "=", company.id)]
            # sudo: the main company, also outside the caller's companies
            main = self.env["res.company"].sudo().search([], order="id", limit=1)
            if company == main:
                shared_home = ["|", ("user_id", "=", False), *shared_home]
            domain = [
                "|",
                ("id", "in", list(revenues)),
                ("vip_tier_id", "in", all_tiers.ids),
                *commercial,
                "|",
                ("company_id", "=", company.id),
                "&",
                ("company_id", "=", False),
                *shared_home,
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
        self.flush_model(columns[1:])
        # sudo: every customer of the company, whoever asks for the evaluation
        query = self.sudo()._search(domain)
        return self.env.execute_query(
            query.select(*(SQL.identifier(query.table, column) for column in columns))
        )

    def _vip_store_figures(self, rows, revenues, classes, today):
        """Write revenue and Pareto class where they changed, on the commercial
        partners and their contacts, in one statement."""
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
        self.flush_model(["commercial_partner_id", *figures])
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
        self.invalidate_model(figures)

    @api.model
    def _vip_plan_tier_changes(self, rows, tiers, revenues, today):
        """{(new tier, reason): partners} for the partners whose tier must change;
        ``tiers`` sorted best first. Expired locks are released on the way."""
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
        self.browse(expired)._vip_release_expired_locks()
        return {key: self.browse(ids) for key, ids in plan.items()}

    def _vip_release_expired_locks(self):
        if not self:
            return
        before = {p.id: (p.vip_tier_id, p.vip_tier_locked) for p in self}
        # sudo: the evaluation releases the lock, not the user who triggered it
        self.sudo().write({"vip_tier_locked": False, "vip_lock_until": False})
        self._vip_log_manual_changes(before)

    @api.model
    def _vip_apply_tier_changes(self, plan, revenues, today, commit):
        changed = self.browse()
        remaining = sum(len(partners) for partners in plan.values())
        for (tier, reason), partners in plan.items():
            # bounded batches: the first evaluation may move 100k customers at once
            for ids in split_every(VIP_EVALUATION_BATCH, partners.ids):
                batch = self.browse(ids)
                batch._vip_set_tier(tier, reason, revenues, today)
                changed |= batch
                remaining -= len(batch)
                if commit and not self.env["ir.cron"]._commit_progress(
                    len(batch), remaining=remaining
                ):
                    return changed
        return changed

    def _vip_set_tier(self, tier, reason, revenues, today):
        company = self.env.company
        old_tiers = {partner.id: partner.vip_tier_id for partner in self}
        # sudo: the evaluation's own write (no manager check, no manual history)
        self.sudo().with_context(mail_notrack=True).write(
            {"vip_tier_id": tier.id, "vip_since": today if tier else False}
        )
        # sudo: the history is append-only, written by server code only
        self.env["vip.tier.history"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "date": today,
                    "old_tier_id": old_tiers[partner.id].id,
                    "new_tier_id": tier.id,
                    "revenue": revenues.get(partner.id, 0.0),
                    "reason": reason,
                    "company_id": company.id,
                    "user_id": self.env.uid,
                }
                for partner in self
            ]
        )
        self._vip_log_tier_notes(old_tiers, tier, reason, revenues)
        if tier.pricelist_id:
            # sudo: the pricelist property is the evaluation's, not the caller's
            self.sudo().with_company(company).write(
                {"specific_property_product_pricelist": tier.pricelist_id.id}
            )
        if reason == "upgrade" and tier and company.vip_upgrade_mail:
            template = self.env.ref(
                "partner_vip_care.mail_template_vip_upgrade", raise_if_not_found=False
            )
            if template:
                # sudo: the upgrade mail goes out on the company's behalf
                template.sudo().send_mail_batch(self.filtered("email").ids)

    def _vip_log_tier_notes(self, old_tiers, tier, reason, revenues):
        labels = dict(
            self.env["vip.tier.history"]
            ._fields["reason"]
            ._description_selection(self.env)
        )
        none = self.env._("no tier")
        # translated once: the notes of a batch share the language and the currency
        note = Markup(
            self.env._(
                "VIP tier: %(old)s → <b>%(new)s</b> (%(reason)s), revenue in "
                "window %(revenue)s."
            )
        )
        currency = self.env.company.currency_id  # every partner's vip_currency_id
        bodies = {}
        for partner in self:
            bodies[partner.id] = note % {
                "old": old_tiers[partner.id].name or none,
                "new": tier.name or none,
                "reason": labels[reason],
                "revenue": currency.format(revenues.get(partner.id, 0.0)),
            }
        # sudo: the evaluation's note, also on customers the caller may not edit
        self.sudo()._message_log_batch(bodies=bodies)

    # ------------------------------------------------------------------
    # Promises (vip.promise)
    # ------------------------------------------------------------------

    vip_promise_open_count = fields.Integer(
        "Open Promises",
        compute="_compute_vip_promise_counts",
        groups="partner_vip_care.group_vip_user",
    )
    vip_promise_overdue_count = fields.Integer(
        "Overdue Promises",
        compute="_compute_vip_promise_counts",
        groups="partner_vip_care.group_vip_user",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_vip_promise_counts(self):
        """Promises still to keep (to approve or open) of the commercial partner, and
        how many are past their deadline: one grouped query, counting only what the
        user may read."""
        today = fields.Date.context_today(self)
        commercial = self.commercial_partner_id
        groups = self.env["vip.promise"]._read_group(
            [
                ("partner_id", "in", commercial.ids),
                ("state", "in", ("to_approve", "open")),
            ],
            ["partner_id", "deadline:day"],
            ["__count"],
        )
        open_counts = defaultdict(int)
        overdue_counts = defaultdict(int)
        for partner, deadline, count in groups:
            open_counts[partner.id] += count
            if deadline and deadline < today:
                overdue_counts[partner.id] += count
        for partner in self:
            commercial_id = partner.commercial_partner_id.id
            partner.vip_promise_open_count = open_counts[commercial_id]
            partner.vip_promise_overdue_count = overdue_counts[commercial_id]

    def action_vip_open_promises(self):
        self.ensure_one()
        commercial = self.commercial_partner_id
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_promise_action"
        )
        action["domain"] = [("partner_id", "=", commercial.id)]
        action["context"] = {
            "default_partner_id": commercial.id,
            "default_contact_id": self.id if self != commercial else False,
            "search_default_filter_to_keep": 1,
        }
        return action

    def action_vip_new_promise(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Promise"),
            "res_model": "vip.promise",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {"default_partner_id": self.id},
        }

    # ------------------------------------------------------------------
    # Visits (vip.visit): rhythm per tier, overdue flag, planning cron
    # ------------------------------------------------------------------

    vip_visit_ids = fields.One2many(
        "vip.visit",
        "partner_id",
        "Visits",
        groups="partner_vip_care.group_vip_user",
    )
    vip_visit_count = fields.Integer(
        "Visit Count",
        compute="_compute_vip_visit_count",
        groups="partner_vip_care.group_vip_user",
    )
    vip_last_visit_date = fields.Date(
        "Last Account Manager Visit",
        compute="_compute_vip_last_visit_dates",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Date of the last account manager visit (calls and messages do not "
        "count).",
    )
    vip_last_management_visit_date = fields.Date(
        "Last Management Visit",
        compute="_compute_vip_last_visit_dates",
        store=True,
        index="btree_not_null",
        copy=False,
    )
    vip_next_visit_date = fields.Date(
        "Next Account Manager Visit",
        compute="_compute_vip_next_visit_dates",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Last account manager visit plus the tier's interval; a customer never "
        "visited is due from the day it entered its tier. Empty when the tier plans "
        "no visit.",
    )
    vip_next_management_visit_date = fields.Date(
        "Next Management Visit",
        compute="_compute_vip_next_visit_dates",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Last management visit plus the tier's management interval; a customer "
        "never visited is due from the day it entered its tier. Empty when the tier "
        "plans no management visit.",
    )
    vip_visit_overdue = fields.Boolean(
        "Visit Overdue",
        compute="_compute_vip_visit_overdue",
        search="_search_vip_visit_overdue",
        help="An account manager or management visit is past its planned date.",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_vip_visit_count(self):
        counts = dict(
            self.env["vip.visit"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.vip_visit_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends("vip_visit_ids.date", "vip_visit_ids.visit_type")
    def _compute_vip_last_visit_dates(self):
        # sudo: the stored dates must not depend on who triggers the recompute
        groups = (
            self.env["vip.visit"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self._origin.ids),
                    ("visit_type", "in", ("account_manager", "management")),
                ],
                ["partner_id", "visit_type"],
                ["date:max"],
            )
        )
        last = {(partner.id, kind): date for partner, kind, date in groups}
        for partner in self:
            origin = partner._origin.id
            partner.vip_last_visit_date = last.get((origin, "account_manager"))
            partner.vip_last_management_visit_date = last.get((origin, "management"))

    @api.depends(
        "is_company",
        "parent_id",
        "vip_since",
        "vip_last_visit_date",
        "vip_last_management_visit_date",
        "vip_tier_id.visit_interval_days",
        "vip_tier_id.management_visit_interval_days",
    )
    def _compute_vip_next_visit_dates(self):
        today = fields.Date.context_today(self)
        for partner in self:
            tier = partner.vip_tier_id
            if partner.parent_id and not partner.is_company:
                tier = tier.browse()  # contacts: the plan lives on the company
            # never visited: due from the day the customer entered its tier
            start = partner.vip_since or today
            partner.vip_next_visit_date = partner._vip_next_date(
                partner.vip_last_visit_date, tier.visit_interval_days, start
            )
            partner.vip_next_management_visit_date = partner._vip_next_date(
                partner.vip_last_management_visit_date,
                tier.management_visit_interval_days,
                start,
            )

    @api.model
    def _vip_next_date(self, last, interval, start):
        if not interval:
            return False
        return last + relativedelta(days=interval) if last else start

    @api.depends_context("tz")
    @api.depends("vip_next_visit_date", "vip_next_management_visit_date")
    def _compute_vip_visit_overdue(self):
        today = fields.Date.context_today(self)
        for partner in self:
            dates = (
                partner.vip_next_visit_date,
                partner.vip_next_management_visit_date,
            )
            partner.vip_visit_overdue = any(date and date < today for date in dates)

    def _search_vip_visit_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        today = fields.Date.context_today(self)
        fnames = ("vip_next_visit_date", "vip_next_management_visit_date")
        if operator == "in":
            return Domain.OR(Domain(fname, "<", today) for fname in fnames)
        return Domain.AND(
            Domain(fname, "=", False) | Domain(fname, ">=", today) for fname in fnames
        )

    def action_vip_open_visits(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_visit_action"
        )
        customers = self.commercial_partner_id
        action["domain"] = [("partner_id", "in", customers.ids)]
        action["context"] = {"default_partner_id": customers[:1].id}
        return action

    def action_vip_log_visit(self):
        self.ensure_one()
        return self.env["vip.visit"]._vip_prefilled_action(
            self.commercial_partner_id, "account_manager"
        )

    @api.model
    def _cron_plan_visits(self):
        # commit per batch only when run by the scheduler: called directly (tests,
        # server actions) it must not commit the caller's transaction
        self._vip_plan_visits(commit=bool(self.env.context.get("ir_cron_progress_id")))

    @api.model
    def _vip_plan_visits(self, commit=False, batch_size=500):
        """Schedule one visit reminder per customer and kind of visit due within
        the lead days of its tier's company: account manager visits for the
        salesperson, management visits for the company's escalation contact, else
        its first VIP manager. A customer with an open reminder of that kind is
        skipped, so that running twice plans nothing new; with ``commit`` (the
        cron), progress is committed after each batch. Returns the reminders."""
        # sudo: the planner sees every customer due, whoever runs it
        Partner = self.sudo()
        today = fields.Date.context_today(self)
        kinds = {
            "account_manager": (
                "vip_next_visit_date",
                self.env.ref("partner_vip_care.mail_activity_type_vip_visit"),
            ),
            "management": (
                "vip_next_management_visit_date",
                self.env.ref(
                    "partner_vip_care.mail_activity_type_vip_management_visit"
                ),
            ),
        }
        # sudo: the companies that have tiers, whoever runs the planner
        companies = self.env["vip.tier"].sudo().search([]).company_id
        todo = []
        for company in companies:
            horizon = today + relativedelta(days=company.vip_visit_lead_days)
            for kind, (fname, activity_type) in kinds.items():
                domain = Domain(
                    [
                        ("vip_tier_id.company_id", "=", company.id),
                        (fname, "<=", horizon),
                        (
                            "activity_ids",
                            "not any",
                            [("activity_type_id", "=", activity_type.id)],
                        ),
                    ]
                )
                todo.append((company, kind, fname, activity_type, domain))
        remaining = sum(Partner.search_count(domain) for *_x, domain in todo)
        activities = self.env["mail.activity"]
        for company, kind, fname, activity_type, domain in todo:
            last_id = 0
            while True:
                partners = Partner.search_fetch(
                    domain & Domain("id", ">", last_id),
                    ["name", "user_id", fname, "vip_tier_id"],
                    order="id",
                    limit=batch_size,
                )
                if not partners:
                    break
                last_id = partners[-1].id
                activities |= partners._vip_schedule_visit_activities(
                    company, kind, fname, activity_type
                )
                remaining = max(remaining - len(partners), 0)
                if commit and not self.env["ir.cron"]._commit_progress(
                    len(partners), remaining=remaining
                ):
                    return activities
        return activities

    def _vip_schedule_visit_activities(self, company, kind, fname, activity_type):
        manager = self._vip_visit_manager(company)
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for partner in self:
            salesperson = partner.user_id if partner.user_id.active else False
            if kind == "account_manager":
                user = salesperson or manager
                summary = self.env._("Account manager visit due")
            else:
                user = manager or salesperson
                summary = self.env._("Management visit due")
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "user_id": (user or self.env.user).id,
                    "date_deadline": partner[fname],
                    "summary": summary,
                    "automated": True,
                    "note": activity_type.default_note,
                }
            )
        # sudo: reminders assigned to salespeople and managers, not the caller
        return self.env["mail.activity"].sudo().create(vals_list)

    @api.model
    def _vip_visit_manager(self, company):
        """Who is reminded of management visits: the company's escalation contact,
        else its first VIP manager (empty when there is none)."""
        if company.vip_escalation_user_id.active:
            return company.vip_escalation_user_id
        return company._vip_managers()[:1]

    # ------------------------------------------------------------------
    # Meetings and suggestions (smart buttons)
    # ------------------------------------------------------------------

    vip_meeting_count = fields.Integer(
        "Meetings Attended",
        compute="_compute_vip_meeting_count",
        groups="partner_vip_care.group_vip_user",
    )
    vip_suggestion_count = fields.Integer(
        "Suggestions",
        compute="_compute_vip_suggestion_count",
        groups="partner_vip_care.group_vip_user",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_vip_meeting_count(self):
        counts = dict(
            self.env["vip.meeting.attendee"]._read_group(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "=", "attended"),
                ],
                ["commercial_partner_id"],
                ["meeting_id:count_distinct"],
            )
        )
        for partner in self:
            partner.vip_meeting_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_vip_suggestion_count(self):
        counts = dict(
            self.env["vip.suggestion"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.vip_suggestion_count = counts.get(partner.commercial_partner_id, 0)

    def action_vip_open_meetings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_meeting_action"
        )
        action["domain"] = [
            ("attendee_ids.commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        return action

    def action_vip_open_suggestions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_suggestion_action"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------------
    # 360° page: what is going on with the customer, one list per kind
    # ------------------------------------------------------------------

    vip_open_complaint_count = fields.Integer(
        "Open Complaints",
        compute="_compute_vip_complaint_count",
        groups="partner_vip_care.group_vip_user",
    )
    vip_open_complaint_ids = fields.One2many(
        "vip.complaint",
        "commercial_partner_id",
        "Open Complaints",
        domain=[("state", "in", VIP_COMPLAINT_OPEN_STATES)],
        groups="partner_vip_care.group_vip_user",
    )
    vip_open_promise_ids = fields.One2many(
        "vip.promise",
        "partner_id",
        "Open Promises",
        domain=[("state", "in", ("to_approve", "open"))],
        groups="partner_vip_care.group_vip_user",
    )
    vip_meeting_attendance_ids = fields.One2many(
        "vip.meeting.attendee",
        "commercial_partner_id",
        "Meetings Attended",
        domain=[("state", "=", "attended")],
        groups="partner_vip_care.group_vip_user",
    )
    vip_suggestion_ids = fields.One2many(
        "vip.suggestion",
        "commercial_partner_id",
        "Suggestions",
        groups="partner_vip_care.group_vip_user",
    )
