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
