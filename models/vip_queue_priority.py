from odoo import api, fields, models

PRIORITY_HELP = (
    "VIP first: the level of the customer's tier plus one (0 without a tier), "
    "as on complaints; queues are ordered by it."
)


class VipQueuePriority(models.AbstractModel):
    """The priority of a document in a queue, from the customer's tier recorded on
    it (``tier_id``), computed as the complaint's: every step of a VIP's file
    goes first (approvals, suggestions, visits)."""

    _name = "vip.queue.priority"
    _description = "VIP Care: VIP first in queues"

    priority = fields.Integer(
        compute="_compute_priority",
        store=True,
        index=True,
        aggregator="max",
        help=PRIORITY_HELP,
        groups="base.group_user",
    )
    is_vip = fields.Boolean(
        "VIP",
        compute="_compute_priority",
        store=True,
        help="The customer had a tier.",
        groups="base.group_user",
    )

    @api.depends("tier_id", "tier_id.level")
    def _compute_priority(self):
        for record in self:
            tier = record.tier_id
            record.is_vip = bool(tier)
            record.priority = tier.level + 1 if tier else 0


class VipPromise(models.Model):
    """Promises to approve: the VIP's first (tier at submission)."""

    _name = "vip.promise"
    _inherit = ["vip.promise", "vip.queue.priority"]
    _order = "priority desc, deadline, id desc"


class VipSuggestion(models.Model):
    _name = "vip.suggestion"
    _inherit = ["vip.suggestion", "vip.queue.priority"]
    _order = "priority desc, id desc"


class VipVisit(models.Model):
    """The visit log stays in date order; within a day, the VIP's first."""

    _name = "vip.visit"
    _inherit = ["vip.visit", "vip.queue.priority"]
    _order = "date desc, priority desc, id desc"
