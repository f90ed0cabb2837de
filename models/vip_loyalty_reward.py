"""The coupons the module gives (referral rewards, welcome coupons): one row per
coupon, written by the server only, each naming the Odoo ``loyalty.card`` it
issued. A row is a claim: the unique indexes make "once per referred customer"
and "once per tier and year" facts of the database, also under two workers (see
``_vip_claim``)."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

REFERRAL_KINDS = ("referrer", "referred")


class VipLoyaltyReward(models.Model):
    _name = "vip.loyalty.reward"
    _description = "VIP Coupon Given"
    _order = "date desc, id desc"
    _rec_name = "card_id"

    kind = fields.Selection(
        [
            ("referrer", "Referral: referrer"),
            ("referred", "Referral: referred customer"),
            ("welcome", "Tier welcome"),
        ],
        required=True,
        readonly=True,
    )
    date = fields.Date(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        help="Who received the coupon.",
    )
    tier_id = fields.Many2one(
        "vip.tier",
        readonly=True,
        ondelete="set null",
        help="The customer's tier when the coupon was given (the tier entered, for "
        "a welcome coupon).",
    )
    year = fields.Integer(readonly=True, help="Year of a welcome coupon.")
    referrer_id = fields.Many2one("res.partner", readonly=True, ondelete="restrict")
    referred_id = fields.Many2one(
        "res.partner", "Referred Customer", readonly=True, ondelete="restrict"
    )
    move_id = fields.Many2one(
        "account.move",
        "First Invoice",
        readonly=True,
        ondelete="set null",
        help="The referred customer's first posted invoice.",
    )
    card_id = fields.Many2one(
        "loyalty.card", "Coupon", readonly=True, ondelete="set null"
    )
    program_id = fields.Many2one("loyalty.program", required=True, readonly=True)
    used = fields.Boolean(
        compute="_compute_used", help="Part of the coupon was used (its history)."
    )

    _referral_once = models.UniqueIndex(
        "(referred_id, kind) WHERE kind IN ('referrer', 'referred')",
        "A referred customer gives one referral reward to each side, once.",
    )
    _welcome_once = models.UniqueIndex(
        "(partner_id, tier_id, year) WHERE kind = 'welcome'",
        "A customer gets one welcome coupon per tier and year.",
    )

    def _compute_used(self):
        # sudo: the coupon's history, whoever reads the reward
        used = {
            card.id
            for (card,) in self.env["loyalty.history"]
            .sudo()
            ._read_group(
                [("card_id", "in", self.card_id.ids), ("used", ">", 0)], ["card_id"]
            )
        }
        for reward in self:
            reward.used = reward.card_id.id in used

    def write(self, vals):
        self.check_access("write")  # nobody has the right: the access error first
        if vals:
            raise UserError(
                self.env._("The coupons given are a log: their rows cannot be changed.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            self.env._("The coupons given are a log: their rows cannot be deleted.")
        )

    # ------------------------------------------------------------------
    # issuing
    # ------------------------------------------------------------------

    @api.model
    def _vip_claim(self, rows):
        """Insert the reward ``rows`` (dicts of column values) that no earlier row
        forbids (the unique indexes), in one statement; return the rows inserted.
        A concurrent transaction claiming the same row makes this one fail with a
        serialization error, which Odoo retries: the retry sees the row."""
        if not rows:
            return self.browse()
        columns = [
            "kind",
            "date",
            "company_id",
            "partner_id",
            "tier_id",
            "year",
            "referrer_id",
            "referred_id",
            "move_id",
            "program_id",
        ]
        values = [tuple(row.get(column) or None for column in columns) for row in rows]
        self.flush_model()
        query = SQL(
            """
            INSERT INTO vip_loyalty_reward (%s, create_uid, write_uid, create_date,
                                            write_date)
            SELECT v.*, %s, %s, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM (VALUES %s) AS v
            ON CONFLICT DO NOTHING
            RETURNING id
            """,
            SQL(", ").join(SQL.identifier(column) for column in columns),
            self.env.uid,
            self.env.uid,
            SQL(", ").join(
                SQL(
                    "(%s::varchar, %s::date, %s::int, %s::int, %s::int, %s::int, "
                    "%s::int, %s::int, %s::int, %s::int)",
                    *value,
                )
                for value in values
            ),
        )
        ids = [row[0] for row in self.env.execute_query(query)]
        return self.browse(ids)

    def _vip_issue_cards(self, descriptions):
        """One coupon (``loyalty.card``) per reward of ``self``, with its issue in
        the card's history (``descriptions``: {reward: text}), as Odoo's coupon
        generator does."""
        Card = self.env["loyalty.card"]
        cards = Card.create(
            [
                {
                    "program_id": reward.program_id.id,
                    "partner_id": reward.partner_id.id,
                    "points": reward.program_id._vip_coupon_points(),
                }
                for reward in self
            ]
        )
        self.env["loyalty.history"].create(
            [
                {
                    "card_id": card.id,
                    "description": descriptions[reward],
                    "issued": card.points,
                    "used": 0.0,
                    "order_model": reward.move_id._name if reward.move_id else False,
                    "order_id": reward.move_id.id,
                }
                for reward, card in zip(self, cards, strict=True)
            ]
        )
        self.flush_recordset()
        self.env.cr.execute(
            """
            UPDATE vip_loyalty_reward r SET card_id = v.card_id
              FROM unnest(%s::int[], %s::int[]) AS v(id, card_id)
             WHERE r.id = v.id
            """,
            [self.ids, cards.ids],
        )
        self.invalidate_recordset(["card_id"])
        return cards

    @api.model
    def _vip_reward_referrals(self, invoices):
        """Referral rewards of ``invoices`` (customer invoices posted now for the
        first time): a referred customer's first posted invoice gives one coupon of
        its company's referral program to the referrer and one to the customer,
        once. Batched: a fixed number of queries whatever the number of invoices.
        Runs in sudo (the server's own reward, not the poster's)."""
        self, invoices = self.sudo(), invoices.sudo()
        customers = self._vip_new_referred_customers(invoices)
        if not customers:
            return self.browse()
        rewards = self._vip_claim(self._vip_referral_rows(customers, invoices))
        if not rewards:
            return rewards
        rewards._vip_issue_cards(self._vip_referral_descriptions(rewards))
        rewards._vip_log_rewards()
        return rewards

    @api.model
    def _vip_new_referred_customers(self, invoices):
        """The referred customers of ``invoices`` not rewarded yet and with no
        other posted invoice (a customer invoiced before is no new customer)."""
        customers = invoices.commercial_partner_id.filtered("vip_referred_by_id")
        if not customers:
            return customers
        done = self.search(
            [("referred_id", "in", customers.ids), ("kind", "=", "referred")]
        ).referred_id
        customers -= done
        if not customers:
            return customers
        invoiced_before = (
            self.env["account.move"]
            .search(
                [
                    ("commercial_partner_id", "in", customers.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("id", "not in", invoices.ids),
                ]
            )
            .commercial_partner_id
        )
        return customers - invoiced_before

    @api.model
    def _vip_referral_rows(self, customers, invoices):
        """The reward values (one for the referrer, one for the customer) of each
        of ``customers``' first invoice among ``invoices``, for an active
        referral program of its company."""
        today = fields.Date.context_today(self)
        rows = []
        for customer in customers:
            first = invoices.filtered(
                lambda move, customer=customer: move.commercial_partner_id == customer
            ).sorted(lambda move: (move.invoice_date or today, move.id))[:1]
            program = first.company_id.vip_referral_program_id
            referrer = customer.vip_referred_by_id.commercial_partner_id
            if not program.active or referrer == customer:
                continue
            for kind, partner in (("referrer", referrer), ("referred", customer)):
                rows.append(
                    {
                        "kind": kind,
                        "date": today,
                        "company_id": first.company_id.id,
                        "partner_id": partner.id,
                        "tier_id": partner.vip_tier_id.id,
                        "referrer_id": referrer.id,
                        "referred_id": customer.id,
                        "move_id": first.id,
                        "program_id": program.id,
                    }
                )
        return rows

    @api.model
    def _vip_referral_descriptions(self, rewards):
        """{reward: the coupon's history description}."""
        descriptions = {}
        for reward in rewards:
            env = reward.partner_id._vip_reader_env()  # the customer's language
            if reward.kind == "referrer":
                text = env._(
                    "Referral reward: %(customer)s, referred by you, placed its first "
                    "order (%(invoice)s).",
                    customer=reward.referred_id.display_name,
                    invoice=reward.move_id.name,
                )
            else:
                text = env._(
                    "Referral reward: welcome, referred by %(referrer)s (%(invoice)s).",
                    referrer=reward.referrer_id.display_name,
                    invoice=reward.move_id.name,
                )
            descriptions[reward] = text
        return descriptions

    @api.model
    def _vip_reward_welcome(self, partners, tier, today):
        """A welcome coupon of ``tier`` to each of ``partners`` (moved up into it
        by the evaluation on ``today``), never twice for the same tier and year."""
        program = tier.sudo().welcome_program_id
        if not partners or not program.active:
            return self.browse()
        self = self.sudo()
        rewards = self._vip_claim(
            [
                {
                    "kind": "welcome",
                    "date": today,
                    "company_id": tier.company_id.id,
                    "partner_id": partner.id,
                    "tier_id": tier.id,
                    "year": today.year,
                    "program_id": program.id,
                }
                for partner in partners
            ]
        )
        if rewards:
            rewards._vip_issue_cards(
                {reward: reward._vip_welcome_text(tier) for reward in rewards}
            )
            rewards._vip_log_rewards()
        return rewards

    def _vip_welcome_text(self, tier):
        """The welcome coupon's description, in its customer's language."""
        env = self.partner_id._vip_reader_env()
        return env._("Welcome to the %(tier)s tier.", tier=tier.with_env(env).name)

    def _vip_log_rewards(self):
        """One note per coupon in the chatter of the customer who received it, in
        the customer's language."""
        bodies = {}
        for reward in self:
            env = reward.partner_id._vip_reader_env()
            if reward.kind == "referrer":
                text = env._(
                    "Referral reward: coupon %(code)s (%(program)s) for referring "
                    "%(customer)s.",
                    customer=reward.referred_id.display_name,
                    code=reward.card_id.code,
                    program=reward.program_id.with_env(env).name,
                )
            elif reward.kind == "referred":
                text = env._(
                    "Referral reward: coupon %(code)s (%(program)s), referred by "
                    "%(customer)s.",
                    customer=reward.referrer_id.display_name,
                    code=reward.card_id.code,
                    program=reward.program_id.with_env(env).name,
                )
            else:
                text = env._(
                    "Welcome coupon %(code)s (%(program)s) for entering the %(tier)s "
                    "tier.",
                    tier=reward.tier_id.with_env(env).name,
                    code=reward.card_id.code,
                    program=reward.program_id.with_env(env).name,
                )
            partner = reward.partner_id
            bodies[partner.id] = bodies.get(partner.id, Markup()) + (
                Markup("<p>%s</p>") % text
            )
        partners = self.env["res.partner"].browse(list(bodies))
        # sudo: the server's note, also on customers the poster may not edit
        partners.sudo()._message_log_batch(bodies=bodies)
