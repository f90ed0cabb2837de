from collections import defaultdict

from odoo import Command, api, fields, models


class VipPromise(models.Model):
    """The people on a ledger entry: whoever is or was its promiser, created it or
    submitted it. The promiser is frozen at submission (``FROZEN_FIELDS``); every
    one of them stays on the entry, so that none of them approves it, even after
    writing the promiser to a colleague while it was a draft."""

    _inherit = "vip.promise"

    submitted_by_id = fields.Many2one(
        "res.users",
        "Submitted by",
        readonly=True,
        copy=False,
        help="Who submitted the promise to the ledger.",
    )
    ledger_user_ids = fields.Many2many(
        "res.users",
        "vip_promise_ledger_user_rel",
        "promise_id",
        "user_id",
        string="People on the Entry",
        readonly=True,
        copy=False,
        help="Everyone who was the promiser of this promise, created it or "
        "submitted it: none of them may approve it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        promises._vip_add_ledger_people(self.env.user)
        return promises

    def write(self, vals):
        result = super().write(vals)
        if vals.get("user_id"):
            self._vip_add_ledger_people()
        return result

    def _vip_add_ledger_people(self, extra=None):
        """Add the current promiser (and ``extra``) to each promise's people, in
        one write per promiser."""
        extra = extra or self.env["res.users"]
        by_user = defaultdict(lambda: self.browse())
        for promise in self:
            by_user[promise.user_id] |= promise
        for user, promises in by_user.items():
            links = [Command.link(uid) for uid in (user | extra).ids]
            # sudo: the people list is the ledger's own record, never the caller's
            promises.sudo().write({"ledger_user_ids": links})

    def _vip_ledger_people(self):
        """Users who may not approve this promise."""
        self.ensure_one()
        return (
            self.ledger_user_ids | self.user_id | self.create_uid | self.submitted_by_id
        )
