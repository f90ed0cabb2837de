from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import format_amount, format_date


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _vip_portal_tier_status(self):
        """What the customer's portal page says about its tier: revenue in the
        window, the next tier and the amount still needed to reach it, the amount
        needed to keep the current tier, in plain sentences. The deadline is the
        last day before the oldest invoice of the window drops out of it: until
        then, the revenue in the window can only grow."""
        self.ensure_one()
        partner = self.commercial_partner_id
        tier = partner.vip_tier_id
        company = tier.company_id or partner.company_id or self.env.company
        currency = company.currency_id
        months = company.vip_window_months or 12
        today = fields.Date.context_today(self)
        # sudo: the customer's own invoiced amounts, summed per day for its page
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">", today - relativedelta(months=months)),
                    ("invoice_date", "<=", today),
                    ("commercial_partner_id", "=", partner.id),
                ],
                ["invoice_date:day"],
                ["amount_untaxed_signed:sum"],
            )
        )
        per_day = sorted(
            (fields.Date.to_date(day), amount) for day, amount in groups if day
        )
        revenue = sum(amount for _day, amount in per_day)
        oldest, oldest_amount = per_day[0] if per_day else (None, 0.0)
        # the oldest invoice leaves the window on drop_day; "by" is the day before
        by_day = oldest and oldest + relativedelta(months=months, days=-1)
        # sudo: the company's ladder, also tiers a portal user cannot read
        ladder = (
            self.env["vip.tier"]
            .sudo()
            .search([("company_id", "=", company.id)], order="level")
        )
        next_tier = ladder.filtered(lambda t: t.level > tier.level) if tier else ladder
        next_tier = next_tier[:1]

        def money(amount):
            return format_amount(self.env, max(amount, 0.0), currency)

        by_text = by_day and format_date(self.env, by_day)
        next_line = keep_line = False
        needed_next = needed_keep = 0.0
        if next_tier:
            needed_next = max(next_tier.qualify_amount - revenue, 0.0)
            if currency.is_zero(needed_next):
                next_line = self.env._(
                    "Your purchases already reach %(tier)s: your tier is updated "
                    "at the next daily evaluation.",
                    tier=next_tier.name,
                )
            elif by_day:
                next_line = self.env._(
                    "%(amount)s more by %(date)s to reach %(tier)s.",
                    amount=money(needed_next),
                    date=by_text,
                    tier=next_tier.name,
                )
            else:
                next_line = self.env._(
                    "%(amount)s of purchases within %(months)s months to reach "
                    "%(tier)s.",
                    amount=money(needed_next),
                    months=months,
                    tier=next_tier.name,
                )
        elif tier:
            next_line = self.env._("You are in our highest tier.")
        if tier and partner.vip_tier_locked:
            keep_line = (
                self.env._(
                    "Your tier %(tier)s is reserved for you until %(date)s.",
                    tier=tier.name,
                    date=format_date(self.env, partner.vip_lock_until),
                )
                if partner.vip_lock_until
                else self.env._(
                    "Your tier %(tier)s is reserved for you.", tier=tier.name
                )
            )
        elif tier:
            # what stays in the window once the oldest day's invoices leave it
            needed_keep = max(tier.retain_amount - (revenue - oldest_amount), 0.0)
            if not by_day:
                needed_keep = max(tier.retain_amount - revenue, 0.0)
                keep_line = self.env._(
                    "%(amount)s of purchases within %(months)s months to keep "
                    "%(tier)s.",
                    amount=money(needed_keep),
                    months=months,
                    tier=tier.name,
                )
            elif currency.is_zero(needed_keep):
                keep_line = self.env._(
                    "Your purchases keep %(tier)s at least until %(date)s.",
                    tier=tier.name,
                    date=by_text,
                )
            else:
                keep_line = self.env._(
                    "%(amount)s more by %(date)s to keep %(tier)s.",
                    amount=money(needed_keep),
                    date=by_text,
                    tier=tier.name,
                )
        explanation = self.env._(
            "Your tier follows your invoiced purchases (before tax, refunds "
            "deducted) of the last %(months)s months, counted every day.",
            months=months,
        )
        if by_day:
            explanation += " " + self.env._(
                "After %(date)s, your purchases of %(oldest)s leave this period.",
                date=by_text,
                oldest=format_date(self.env, oldest),
            )
        return {
            "partner": partner,
            "tier": tier,
            "next_tier": next_tier,
            "currency": currency,
            "revenue": revenue,
            "months": months,
            "by_day": by_day,
            "needed_next": needed_next,
            "needed_keep": needed_keep,
            "next_line": next_line,
            "keep_line": keep_line,
            "explanation": explanation,
        }
