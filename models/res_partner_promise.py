from collections import defaultdict

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    vip_promise_open_count = fields.Integer(
        "Open Promise Count",
        compute="_compute_vip_promise_counts",
        groups="partner_vip_care.group_vip_user",
    )
    vip_promise_overdue_count = fields.Integer(
        "Overdue Promises",
        compute="_compute_vip_promise_counts",
        groups="partner_vip_care.group_vip_user",
    )

    vip_open_promise_ids = fields.One2many(
        "vip.promise",
        "partner_id",
        "Open Promises",
        domain=[("state", "in", ("to_approve", "open"))],
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
