from odoo import fields, models


class VipComplaint(models.Model):
    """The complaint as its customer's portal users see it: their record rule
    gives them the customer's complaints; the internal fields carry
    ``groups="base.group_user"`` where they are defined."""

    _inherit = "vip.complaint"
    # the customer's portal users read the complaint and may post on its thread
    _mail_post_access = "read"

    portal_paused = fields.Boolean(
        "Paused, Waiting for the Customer",
        compute="_compute_portal_paused",
        help="The resolution clock stands still until the customer answers.",
    )

    def _compute_portal_paused(self):
        for complaint in self:
            complaint.portal_paused = complaint.state == "waiting"

    def _vip_resolution_message(self):
        """What the company told the customer when resolving, for its portal page
        when no resolution text was written: the last public message of the
        company's people in the thread (none before the complaint is resolved)."""
        self.ensure_one()
        if self.state not in ("resolved", "closed") or not self.resolved_on:
            return self.env["mail.message"]
        customer = self.commercial_partner_id
        # sudo: the thread's public messages, read for the customer's page
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("message_type", "in", ("comment", "email")),
                    ("subtype_id.internal", "=", False),
                    ("is_internal", "=", False),
                    ("author_id", "!=", False),
                    ("author_id.commercial_partner_id", "!=", customer.id),
                    ("author_id.user_ids.share", "=", False),
                ],
                order="date desc, id desc",
                limit=1,
            )
        )
        return messages
