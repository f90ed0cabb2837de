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
        months = company.vip_window_months or 12
        per_day = partner._vip_portal_revenue_per_day(company, months)
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
        status = {
            "partner": partner,
            "tier": tier,
            "next_tier": next_tier,
            "currency": company.currency_id,
            "revenue": revenue,
            "months": months,
            "by_day": by_day,
            "by_text": by_day and format_date(self.env, by_day),
            "oldest_amount": oldest_amount,
        }
        status.update(partner._vip_portal_next_line(status))
        status.update(partner._vip_portal_keep_line(status))
        explanation = self.env._(
            "Your tier follows your invoiced purchases (before tax, refunds "
            "deducted) of the last %(months)s months, counted every day.",
            months=months,
        )
        if by_day:
            explanation += " " + self.env._(
                "After %(date)s, your purchases of %(oldest)s leave this period.",
                date=status["by_text"],
                oldest=format_date(self.env, oldest),
            )
        status["explanation"] = explanation
        return status

    def _vip_portal_revenue_per_day(self, company, months):
        """[(day, amount)] of the customer's invoices in the window, oldest first."""
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
                    ("commercial_partner_id", "=", self.id),
                ],
                ["invoice_date:day"],
                ["amount_untaxed_signed:sum"],
            )
        )
        return sorted(
            (fields.Date.to_date(day), amount) for day, amount in groups if day
        )

    def _vip_portal_money(self, status, amount):
        return format_amount(self.env, max(amount, 0.0), status["currency"])

    def _vip_portal_next_line(self, status):
        """The sentence about the next tier, and the amount it still needs."""
        next_tier, tier = status["next_tier"], status["tier"]
        if not next_tier:
            line = self.env._("You are in our highest tier.") if tier else False
            return {"next_line": line, "needed_next": 0.0}
        needed = max(next_tier.qualify_amount - status["revenue"], 0.0)
        if status["currency"].is_zero(needed):
            line = self.env._(
                "Your purchases already reach %(tier)s: your tier is updated "
                "at the next daily evaluation.",
                tier=next_tier.name,
            )
        elif status["by_day"]:
            line = self.env._(
                "%(amount)s more by %(date)s to reach %(tier)s.",
                amount=self._vip_portal_money(status, needed),
                date=status["by_text"],
                tier=next_tier.name,
            )
        else:
            line = self.env._(
                "%(amount)s of purchases within %(months)s months to reach %(tier)s.",
                amount=self._vip_portal_money(status, needed),
                months=status["months"],
                tier=next_tier.name,
            )
        return {"next_line": line, "needed_next": needed}

    def _vip_portal_keep_line(self, status):
        """The sentence about keeping the current tier, and the amount it needs."""
        tier = status["tier"]
        if not tier:
            return {"keep_line": False, "needed_keep": 0.0}
        if self.vip_tier_locked:
            if self.vip_lock_until:
                line = self.env._(
                    "Your tier %(tier)s is reserved for you until %(date)s.",
                    tier=tier.name,
                    date=format_date(self.env, self.vip_lock_until),
                )
            else:
                line = self.env._(
                    "Your tier %(tier)s is reserved for you.", tier=tier.name
                )
            return {"keep_line": line, "needed_keep": 0.0}
        revenue = status["revenue"]
        if not status["by_day"]:
            needed = max(tier.retain_amount - revenue, 0.0)
            line = self.env._(
                "%(amount)s of purchases within %(months)s months to keep %(tier)s.",
                amount=self._vip_portal_money(status, needed),
                months=status["months"],
                tier=tier.name,
            )
            return {"keep_line": line, "needed_keep": needed}
        # what stays in the window once the oldest day's invoices leave it
        needed = max(tier.retain_amount - (revenue - status["oldest_amount"]), 0.0)
        if status["currency"].is_zero(needed):
            line = self.env._(
                "Your purchases keep %(tier)s at least until %(date)s.",
                tier=tier.name,
                date=status["by_text"],
            )
        elif revenue >= tier.retain_amount:
            # enough today: say so first, then what keeps it once the oldest
            # purchases leave the window (never "buy again" what was bought)
            line = self.env._(
                "Your purchases of %(revenue)s keep %(tier)s today. After %(date)s, "
                "your oldest purchases leave the %(months)s-month period: "
                "%(amount)s of new purchases by then keep %(tier)s after that day.",
                revenue=self._vip_portal_money(status, revenue),
                tier=tier.name,
                date=status["by_text"],
                months=status["months"],
                amount=self._vip_portal_money(status, needed),
            )
        else:
            line = self.env._(
                "%(amount)s more by %(date)s to keep %(tier)s.",
                amount=self._vip_portal_money(status, needed),
                date=status["by_text"],
                tier=tier.name,
            )
        return {"keep_line": line, "needed_keep": needed}
