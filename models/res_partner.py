import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

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
# Share of the window revenue closing classes A and B (the rest is C).
PARETO_LIMITS = (("a", 0.80), ("b", 0.95))


def pareto_classes(revenues):
    """Pareto class per partner id for {partner_id: revenue}: A is the smallest set of
    customers making 80% of the positive revenue, B the next 15%, C the rest."""
    total = sum(amount for amount in revenues.values() if amount > 0)
    classes = {}
    cumulative = 0.0
    ranked = sorted(revenues.items(), key=lambda item: (-item[1], item[0]))
    for partner_id, amount in ranked:
        share_before = cumulative / total if total > 0 and amount > 0 else 1.0
        cumulative += max(amount, 0.0)
        classes[partner_id] = next(
            (name for name, limit in PARETO_LIMITS if share_before < limit), "c"
        )
    return classes


class ResPartner(models.Model):
    _inherit = "res.partner"

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
                [("vip_referred_by_id", "in", self.ids)],
                ["vip_referred_by_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.vip_referral_count = counts.get(partner, 0)

    @api.depends_context("uid")
    def _compute_vip_complaint_count(self):
        counts = dict(
            self.env["vip.complaint"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.vip_complaint_count = counts.get(partner.commercial_partner_id, 0)

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

    def write(self, vals):
        manual = {"vip_tier_id", "vip_tier_locked"} & vals.keys()
        if self.env.context.get("vip_tier_evaluation") or not manual:
            return super().write(vals)
        commercial = self.filtered(lambda p: p.commercial_partner_id == p)
        if not commercial:
            return super().write(vals)
        if not self.env.su and not self.env.user.has_group(
            "partner_vip_care.group_vip_manager"
        ):
            raise UserError(
                self.env._("Only VIP Care managers can change or lock a VIP tier.")
            )
        before = {p.id: (p.vip_tier_id, p.vip_tier_locked) for p in commercial}
        if "vip_tier_id" in vals:
            vals = dict(vals, vip_since=fields.Date.context_today(self))
        result = super().write(vals)
        commercial._vip_log_manual_changes(before)
        return result

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
        companies = self.env["res.company"].search([])
        for company in companies:
            self.with_company(company)._vip_evaluate_tiers(commit=True)

    @api.model
    def _vip_evaluate_tiers(self, partners=None, commit=False):
        """Evaluate the VIP tier of ``partners`` (default: every customer whose home
        company is the current one) from invoiced revenue; return the partners whose
        tier changed. With ``commit`` (the cron), commit after each batch."""
        company = self.env.company
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
        candidates = self._vip_candidates(company, revenues, partners)
        candidates._vip_store_figures(revenues, classes, today)
        plan = candidates._vip_plan_tier_changes(tiers, revenues, today)
        return self._vip_apply_tier_changes(plan, revenues, today, commit)

    @api.model
    def _vip_window_revenue(self, company, today):
        """{commercial partner id: posted invoices minus refunds, untaxed, company
        currency} over the window, in one grouped query."""
        date_from = today - relativedelta(months=company.vip_window_months)
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">", date_from),
                    ("invoice_date", "<=", today),
                ],
                ["commercial_partner_id"],
                ["amount_untaxed_signed:sum"],
            )
        )
        return {partner.id: amount for partner, amount in groups}

    @api.model
    def _vip_candidates(self, company, revenues, partners=None):
        """Commercial partners to evaluate: given ones, else the company's customers
        (with revenue in the window or a tier of the company) whose home company it
        is — their own company, else their salesperson's, else the first company."""
        fnames = [
            "vip_tier_id",
            "vip_tier_locked",
            "vip_lock_until",
            "vip_since",
            "vip_revenue",
            "vip_pareto_class",
        ]
        commercial = ["|", ("is_company", "=", True), ("parent_id", "=", False)]
        if partners is not None:
            domain = [("id", "in", partners.ids), *commercial]
            return self.sudo().search_fetch(domain, fnames).sudo(False)
        all_tiers = (
            self.env["vip.tier"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
        )
        shared_home = [("user_id.company_id", "=", company.id)]
        if company == self.env["res.company"].sudo().search([], limit=1):
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
        return self.sudo().search_fetch(domain, fnames).sudo(False)

    def _vip_store_figures(self, revenues, classes, today):
        """Write revenue and Pareto class where they changed, on the commercial
        partners and their contacts, in one statement."""
        changed = [
            (partner.id, revenues.get(partner.id, 0.0), classes.get(partner.id, "c"))
            for partner in self
            if partner.vip_currency_id.compare_amounts(
                partner.vip_revenue, revenues.get(partner.id, 0.0)
            )
            or partner.vip_pareto_class != classes.get(partner.id, "c")
        ]
        if not changed:
            return
        ids, amounts, pareto = zip(*changed, strict=True)
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
        self.invalidate_model(["vip_revenue", "vip_pareto_class", "vip_evaluated_on"])

    def _vip_plan_tier_changes(self, tiers, revenues, today):
        """{(new tier, reason): partners} for the partners whose tier must change;
        ``tiers`` sorted best first. Expired locks are released on the way."""
        plan = defaultdict(lambda: self.browse())
        expired = self.filtered(
            lambda p: p.vip_tier_locked and (p.vip_lock_until or today) < today
        )
        expired._vip_release_expired_locks()
        grace = self.env.company.vip_downgrade_grace_days
        for partner in self:
            if partner.vip_tier_locked:
                continue
            revenue = revenues.get(partner.id, 0.0)
            current = partner.vip_tier_id
            target = next((t for t in tiers if t.qualify_amount <= revenue), tiers[:0])
            if target == current:
                continue
            held = current in tiers  # active tier of this company: hysteresis applies
            if held and (not target or target.level < current.level):
                in_grace = (
                    partner.vip_since and (today - partner.vip_since).days < grace
                )
                if revenue >= current.retain_amount or in_grace:
                    continue
            upgrade = not current or (target and target.level > current.level)
            plan[target, "upgrade" if upgrade else "downgrade"] |= partner
        return plan

    def _vip_release_expired_locks(self):
        if not self:
            return
        before = {p.id: (p.vip_tier_id, p.vip_tier_locked) for p in self}
        self.with_context(vip_tier_evaluation=True).write(
            {"vip_tier_locked": False, "vip_lock_until": False}
        )
        self._vip_log_manual_changes(before)

    @api.model
    def _vip_apply_tier_changes(self, plan, revenues, today, commit):
        changed = self.browse()
        remaining = sum(len(partners) for partners in plan.values())
        for (tier, reason), partners in plan.items():
            partners._vip_set_tier(tier, reason, revenues, today)
            changed |= partners
            remaining -= len(partners)
            if commit and not self.env["ir.cron"]._commit_progress(
                len(partners), remaining=remaining
            ):
                break
        return changed

    def _vip_set_tier(self, tier, reason, revenues, today):
        company = self.env.company
        old_tiers = {partner.id: partner.vip_tier_id for partner in self}
        self.sudo().with_context(vip_tier_evaluation=True, mail_notrack=True).write(
            {"vip_tier_id": tier.id, "vip_since": today if tier else False}
        )
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
            self.sudo().with_company(company).write(
                {"specific_property_product_pricelist": tier.pricelist_id.id}
            )
        if reason == "upgrade" and tier and company.vip_upgrade_mail:
            template = self.env.ref(
                "partner_vip_care.mail_template_vip_upgrade", raise_if_not_found=False
            )
            if template:
                template.sudo().send_mail_batch(self.filtered("email").ids)

    def _vip_log_tier_notes(self, old_tiers, tier, reason, revenues):
        labels = dict(
            self.env["vip.tier.history"]
            ._fields["reason"]
            ._description_selection(self.env)
        )
        none = self.env._("no tier")
        bodies = {}
        for partner in self:
            bodies[partner.id] = Markup(
                self.env._(
                    "VIP tier: %(old)s → <b>%(new)s</b> (%(reason)s), revenue in "
                    "window %(revenue)s."
                )
            ) % {
                "old": old_tiers[partner.id].name or none,
                "new": tier.name or none,
                "reason": labels[reason],
                "revenue": partner.vip_currency_id.format(
                    revenues.get(partner.id, 0.0)
                ),
            }
        self.sudo()._message_log_batch(bodies=bodies)
