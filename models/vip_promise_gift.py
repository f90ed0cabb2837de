from markupsafe import Markup

from odoo import fields, models


class VipPromise(models.Model):
    """Gifts are promises of type ``gift``: besides the tier's bottom line, a
    gift that takes the customer's gifts of the year above its tier's gift
    budget waits for a manager's approval."""

    _inherit = "vip.promise"

    def action_submit(self):
        over_budget = self._vip_gifts_over_budget()
        result = super().action_submit()
        held = over_budget.filtered(lambda p: p.state == "open")
        if held:
            held._vip_workflow_write({"state": "to_approve", "needs_approval": True})
            held._schedule_approval_activity()
        for promise in over_budget:
            promise.message_post(
                body=Markup("<b>%s</b>")
                % self.env._(
                    "Above the customer's gift budget of the year: a manager "
                    "approves this gift."
                ),
                subtype_xmlid="mail.mt_note",
            )
        return result

    def _vip_gifts_over_budget(self):
        """The gift promises of ``self`` (drafts about to be submitted) that take
        their customer's gifts of this year (given, or waiting for approval)
        above its tier's gift budget, counted in submission order."""
        gifts = self.filtered(
            lambda p: p.promise_type == "gift" and p.state == "draft" and p.value
        )
        if not gifts:
            return gifts
        today = fields.Date.context_today(self)
        company = self.env.company
        amounts = gifts.partner_id._vip_gift_amounts(today.year)
        room = {}
        over = gifts.browse()
        for promise in gifts:
            partner = promise.partner_id
            if partner.id not in room:
                spent, pending = amounts.get(partner.id, (0.0, 0.0))
                room[partner.id] = partner._vip_gift_budget() - spent - pending
            value = promise.currency_id._convert(
                promise.value, company.currency_id, company, today
            )
            if company.currency_id.compare_amounts(value, room[partner.id]) > 0:
                over |= promise
            room[partner.id] -= value
        return over
