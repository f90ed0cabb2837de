"""Invoices on Odoo's loyalty: a referred customer's first posted invoice gives
the referral coupons, every posted customer invoice earns points on the
customer's card of the company's points program and a refund takes them back.
The points of an invoice are the ``loyalty.history`` lines naming it: their
balance says what the invoice has given, so posting again gives nothing twice
(only the difference when the reset invoice was changed), and a cancelled or
deleted invoice takes back what it gave."""

from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL, float_round

POINT_MOVE_TYPES = ("out_invoice", "out_refund")
POINTS_DIGITS = 2


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        first_time = self.filtered(lambda move: not move.posted_before)
        posted = super()._post(soft=soft)
        invoices = posted.filtered(lambda move: move.move_type == "out_invoice")
        self.env["vip.loyalty.reward"]._vip_reward_referrals(invoices & first_time)
        posted._vip_sync_points()
        return posted

    def button_cancel(self):
        result = super().button_cancel()
        self.filtered(lambda move: move.state == "cancel")._vip_sync_points()
        return result

    @api.ondelete(at_uninstall=False)
    def _vip_unlink_take_back_points(self):
        self._vip_sync_points(deleted=True)

    @api.model
    def _vip_points_programs(self, companies):
        """{company: (points program, points per currency unit)} of the companies
        that earn points on invoices."""
        # sudo: the company's settings are the VIP managers'; everyone's invoices
        # apply them
        return {
            company: (company.vip_points_program_id, company.vip_points_per_amount)
            for company in companies.sudo()
            if company.vip_points_program_id.active
        }

    def _vip_points_due(self, programs, given, deleted=False):
        """{move: points} the customer invoices of ``self`` should have given: the
        untaxed amount in company currency times the company's points per unit and
        the customer's tier multiplier; a refund of an invoice takes back the share
        of that invoice's points it refunds (``given``: {move id: points balance}:
        nothing when the invoice gave none), a refund of no invoice its own
        amount's points; a cancelled or ``deleted`` move, nothing; a draft, what it
        gave (a reset to draft changes nothing until it is posted or cancelled)."""
        due = {}
        for move in self:
            if move.state == "draft" and not deleted:
                due[move] = given.get(move.id, 0.0)
                continue
            if deleted or move.state != "posted" or move.company_id not in programs:
                due[move] = 0.0
                continue
            _program, per_amount = programs[move.company_id]
            origin = move.reversed_entry_id
            if move.move_type == "out_refund" and origin:
                share = (
                    abs(move.amount_untaxed_signed / origin.amount_untaxed_signed)
                    if origin.amount_untaxed_signed
                    else 0.0
                )
                points = -given.get(origin.id, 0.0) * min(share, 1.0)
            else:
                tier = move.commercial_partner_id.vip_tier_id
                multiplier = tier.points_multiplier if tier else 1.0
                points = move.amount_untaxed_signed * per_amount * multiplier
            due[move] = float_round(points, precision_digits=POINTS_DIGITS)
        return due

    def _vip_points_given(self, programs):
        """{move id: points balance of its history lines} on the cards of the
        points ``programs``, in one grouped query."""
        if not self or not programs:
            return {}
        History = self.env["loyalty.history"]
        History.flush_model(["card_id", "order_model", "order_id", "issued", "used"])
        self.env["loyalty.card"].flush_model(["program_id"])
        query = SQL(
            """
            SELECT h.order_id, SUM(h.issued - h.used)
              FROM loyalty_history h
              JOIN loyalty_card c ON c.id = h.card_id
             WHERE h.order_model = 'account.move' AND h.order_id = ANY(%s)
               AND c.program_id = ANY(%s)
             GROUP BY h.order_id
            """,
            self.ids,
            [program.id for program, _per in programs.values()],
        )
        return {
            move_id: balance
            for move_id, balance in self.env.execute_query(query)
            if float_round(balance, precision_digits=POINTS_DIGITS)
        }

    def _vip_sync_points(self, deleted=False):
        """Bring the points of these moves' customer invoices and refunds to what
        they are due (see ``_vip_points_due``): a posted move that has given
        nothing gives its points, one posted again after a change gives or takes
        the difference, a cancelled or ``deleted`` move takes back what it gave.
        One history line per changed move, the cards' balances updated in one
        statement: a fixed number of queries per batch of moves. Runs in sudo (the
        server's own points)."""
        moves = self.filtered(
            lambda move: (
                move.move_type in POINT_MOVE_TYPES and move.commercial_partner_id
            )
        )
        if not moves:
            return
        moves = moves.sudo()
        programs = self._vip_points_programs(moves.company_id)
        if not programs:
            return
        refunds = moves.filtered(lambda move: move.move_type == "out_refund")
        origins = refunds.reversed_entry_id
        given = (moves | origins)._vip_points_given(programs)
        due = moves._vip_points_due(programs, given, deleted=deleted)
        changes = {}
        for move in moves:
            points = float_round(
                due[move] - given.get(move.id, 0.0), precision_digits=POINTS_DIGITS
            )
            if points:
                changes[move] = points
        if changes:
            self.env["loyalty.card"]._vip_add_points(changes, programs)

    def _vip_points_description(self, points):
        self.ensure_one()
        if points >= 0:
            return self.env._("Points earned: %(invoice)s", invoice=self.name)
        if self.state == "posted":
            return self.env._("Points taken back: %(refund)s", refund=self.name)
        return self.env._("Points taken back: %(invoice)s cancelled", invoice=self.name)


class LoyaltyCard(models.Model):
    _inherit = "loyalty.card"

    @api.model
    def _vip_add_points(self, changes, programs):
        """Add {move: points} to the customers' cards of the companies' points
        ``programs`` (creating the missing cards), one history line per move
        naming it, the balances in one UPDATE."""
        cards = self._vip_cards_of(changes, programs)
        lines = []
        deltas = defaultdict(float)
        for move, points in changes.items():
            card = cards[programs[move.company_id][0], move.commercial_partner_id.id]
            lines.append(
                {
                    "card_id": card.id,
                    "description": move._vip_points_description(points),
                    "issued": max(points, 0.0),
                    "used": max(-points, 0.0),
                    "order_model": move._name,
                    "order_id": move.id,
                }
            )
            deltas[card] += points
        self.env["loyalty.history"].sudo().create(lines)
        self._vip_add_balances(deltas)

    @api.model
    def _vip_cards_of(self, changes, programs):
        """{(program, customer id): card} of the moves' customers on their
        companies' points programs, the missing cards created."""
        Card = self.sudo()
        wanted = defaultdict(set)  # program: customer ids
        for move in changes:
            wanted[programs[move.company_id][0]].add(move.commercial_partner_id.id)
        cards = {}
        for program, partner_ids in wanted.items():
            found = Card.search(
                [
                    ("program_id", "=", program.id),
                    ("partner_id", "in", list(partner_ids)),
                ],
                order="id desc",
            )
            for card in found:  # the oldest card of a customer wins
                cards[program, card.partner_id.id] = card
            missing = partner_ids - {card.partner_id.id for card in found}
            if missing:
                created = Card.create(
                    [
                        {
                            "program_id": program.id,
                            "partner_id": partner_id,
                            "points": 0,
                        }
                        for partner_id in sorted(missing)
                    ]
                )
                for card in created:
                    cards[program, card.partner_id.id] = card
        return cards

    @api.model
    def _vip_add_balances(self, deltas):
        """Add {card: points} to the cards' balances in one UPDATE, then send
        the programs' "when reaching" mails."""
        touched = self.sudo().browse([card.id for card in deltas])
        before = {card: card.points for card in touched}
        touched.flush_recordset(["points"])
        self.env.cr.execute(
            """
            UPDATE loyalty_card c SET points = c.points + v.delta,
                   write_uid = %s, write_date = now() at time zone 'UTC'
              FROM unnest(%s::int[], %s::float8[]) AS v(id, delta)
             WHERE c.id = v.id
            """,
            [self.env.uid, touched.ids, [deltas[card] for card in touched]],
        )
        touched.invalidate_recordset(["points", "write_uid", "write_date"])
        # Odoo's "when reaching" mails of the programs, as a write of points sends
        touched._send_points_reach_communication(
            {card: {"old": before[card], "new": card.points} for card in touched}
        )
