"""Word of mouth on Odoo's loyalty: referral rewards, welcome coupons and points on
invoices, as coupons (``loyalty.card``) and card history (``loyalty.history``)."""

import io

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..tools.vip_review_workbook import VipReviewWorkbook
from .common_rpc import VipRpcCase
from .test_vip_tier import VipTierCommon


class VipLoyaltyCommon(VipTierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Program = cls.env["loyalty.program"]
        cls.referral_program = Program.create(
            {"name": "推荐有礼", "program_type": "coupons"}
        )
        cls.welcome_program = Program.create(
            {"name": "升级礼券", "program_type": "coupons"}
        )
        cls.points_program = Program.create(
            {"name": "会员积分", "program_type": "loyalty"}
        )
        cls.company.write(
            {
                "vip_referral_program_id": cls.referral_program.id,
                "vip_points_program_id": cls.points_program.id,
                "vip_points_per_amount": 0.1,
            }
        )
        cls.promoter, cls.newcomer = cls._customers("Promoter Ltd", "Newcomer Ltd")
        cls.newcomer.vip_referred_by_id = cls.promoter

    def _cards(self, partner, program):
        return self.env["loyalty.card"].search(
            [("partner_id", "=", partner.id), ("program_id", "=", program.id)]
        )

    def _points(self, partner):
        return sum(self._cards(partner, self.points_program).mapped("points"))


@tagged("post_install", "-at_install", "vip_loyalty")
class TestVipReferralRewards(VipLoyaltyCommon):
    def test_first_invoice_gives_two_coupons_second_none(self):
        invoice = self._invoices([(self.newcomer, 1000, 1)])
        mine = self._cards(self.newcomer, self.referral_program)
        theirs = self._cards(self.promoter, self.referral_program)
        self.assertEqual((len(mine), len(theirs)), (1, 1))
        self.assertEqual(mine.points, 1.0, "one coupon buys the program's reward")
        self.assertEqual(mine.history_ids.issued, 1.0)
        self.assertEqual(mine.history_ids.order_id, invoice.id)
        for partner in (self.newcomer, self.promoter):
            self.assertIn(
                "Referral reward",
                partner.message_ids[:1].body,
                "the coupon is logged in the customer's chatter",
            )
        self._invoices([(self.newcomer, 2000, 0)])
        self.assertEqual(len(self._cards(self.newcomer, self.referral_program)), 1)
        self.assertEqual(len(self._cards(self.promoter, self.referral_program)), 1)
        rewards = self.env["vip.loyalty.reward"].search(
            [("referred_id", "=", self.newcomer.id)]
        )
        self.assertEqual(sorted(rewards.mapped("kind")), ["referred", "referrer"])
        self.assertEqual(rewards.move_id, invoice)

    def test_reset_and_repost_give_no_second_pair(self):
        invoice = self._invoices([(self.newcomer, 1000, 1)])
        invoice.button_draft()
        invoice.action_post()
        invoice.button_cancel()
        self._invoices([(self.newcomer, 500, 0)])
        self.assertEqual(len(self._cards(self.newcomer, self.referral_program)), 1)
        self.assertEqual(len(self._cards(self.promoter, self.referral_program)), 1)

    def test_claim_is_a_database_fact(self):
        """A second worker's claim of the same referral inserts nothing: the unique
        index decides, not what the worker read before."""
        invoice = self._invoices([(self.newcomer, 1000, 1)])
        Reward = self.env["vip.loyalty.reward"]
        self.assertFalse(Reward._vip_reward_referrals(invoice), "replayed: nothing")
        row = {
            "kind": "referred",
            "date": self.today,
            "company_id": self.company.id,
            "partner_id": self.newcomer.id,
            "referrer_id": self.promoter.id,
            "referred_id": self.newcomer.id,
            "move_id": invoice.id,
            "program_id": self.referral_program.id,
        }
        self.assertFalse(Reward._vip_claim([row]))
        self.assertEqual(
            Reward.search_count([("referred_id", "=", self.newcomer.id)]), 2
        )

    def test_one_pair_per_customer_in_a_batch(self):
        other = self._customers("Second Newcomer")
        other.vip_referred_by_id = self.promoter
        self._invoices(
            [(self.newcomer, 1000, 3), (self.newcomer, 800, 2), (other, 600, 1)]
        )
        self.assertEqual(len(self._cards(self.newcomer, self.referral_program)), 1)
        self.assertEqual(len(self._cards(other, self.referral_program)), 1)
        self.assertEqual(
            len(self._cards(self.promoter, self.referral_program)),
            2,
            "one coupon for each customer the promoter brought",
        )

    def test_customer_invoiced_before_the_referral_gives_nothing(self):
        known = self._customers("Known Customer")
        self._invoices([(known, 1000, 10)])
        known.vip_referred_by_id = self.promoter
        self._invoices([(known, 1000, 1)])
        self.assertFalse(self._cards(known, self.referral_program))
        self.assertFalse(self._cards(self.promoter, self.referral_program))

    def test_no_program_no_coupon(self):
        self.company.vip_referral_program_id = False
        self._invoices([(self.newcomer, 1000, 1)])
        self.assertFalse(self.env["vip.loyalty.reward"].search([]))

    def test_referral_revenue_in_window(self):
        self._invoices(
            [
                (self.newcomer, 1000, 1),
                (self.newcomer, -200, 1),
                (self.newcomer, 5000, 400),
            ]
        )
        self.assertEqual(self.promoter.vip_referral_revenue, 800.0)
        self.assertEqual(self.promoter.vip_referral_count, 1)

    def test_activity_done_links_the_new_customer(self):
        referral = self.env.ref("partner_vip_care.mail_activity_type_vip_referral")
        fresh = self._customers("Fresh Customer")
        activity = self.promoter.activity_schedule(
            activity_type_id=referral.id, user_id=self.user_vip.id
        )
        activity.with_user(self.user_admin).write({"vip_referred_partner_id": fresh.id})
        activity.with_user(self.user_admin).action_feedback(feedback="Introduced")
        self.assertEqual(fresh.vip_referred_by_id, self.promoter)
        self._invoices([(fresh, 300, 0)])
        self.assertEqual(len(self._cards(fresh, self.referral_program)), 1)

    def test_activity_cannot_steal_a_referral(self):
        referral = self.env.ref("partner_vip_care.mail_activity_type_vip_referral")
        other = self._customers("Other Promoter")
        activity = other.activity_schedule(activity_type_id=referral.id)
        activity.vip_referred_partner_id = self.newcomer
        with self.assertRaisesRegex(UserError, "already referred by"):
            activity.action_feedback()
        self.assertEqual(self.newcomer.vip_referred_by_id, self.promoter)
        todo = self.promoter.activity_schedule("mail.mail_activity_data_todo")
        todo.vip_referred_partner_id = self._customers("Someone")
        with self.assertRaisesRegex(UserError, "Referred Customer"):
            todo.action_feedback()

    def test_settings_refuse_wrong_program_types(self):
        with self.assertRaisesRegex(ValidationError, "not a coupon program"):
            self.company.write({"vip_referral_program_id": self.points_program.id})
        with self.assertRaisesRegex(ValidationError, "not a loyalty card program"):
            self.company.write(
                {
                    "vip_referral_program_id": self.referral_program.id,
                    "vip_points_program_id": self.referral_program.id,
                }
            )
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company.write(
                {
                    "vip_referral_program_id": self.referral_program.id,
                    "vip_points_program_id": self.points_program.id,
                    "vip_points_per_amount": -1,
                }
            )


@tagged("post_install", "-at_install", "vip_loyalty")
class TestVipWelcomeCoupons(VipLoyaltyCommon):
    def test_upgrade_twice_gives_one_welcome_coupon(self):
        self.silver.welcome_program_id = self.welcome_program
        customer = self._customers("Climber Ltd")
        self._invoices([(customer, 1500, 10)])
        self._evaluate(customer)
        self.assertEqual(customer.vip_tier_id, self.silver)
        self._evaluate(customer)  # the evaluation runs twice
        cards = self._cards(customer, self.welcome_program)
        self.assertEqual(len(cards), 1)
        self.assertIn("Silver", cards.history_ids.description)
        # down, then up again the same year: no second coupon
        self._invoices([(customer, -1000, 0)])
        self._evaluate(customer)
        self.assertEqual(customer.vip_tier_id, self.standard)
        self._invoices([(customer, 1000, 0)])
        self._evaluate(customer)
        self.assertEqual(customer.vip_tier_id, self.silver)
        self.assertEqual(len(self._cards(customer, self.welcome_program)), 1)
        reward = self.env["vip.loyalty.reward"].search(
            [("partner_id", "=", customer.id)]
        )
        self.assertEqual((reward.kind, reward.tier_id), ("welcome", self.silver))

    def test_manual_change_gives_no_coupon(self):
        self.gold.welcome_program_id = self.welcome_program
        customer = self._customers("Manual Ltd")
        customer.with_user(self.user_admin).vip_tier_id = self.gold
        self.assertFalse(self._cards(customer, self.welcome_program))

    def test_reward_rows_are_a_log(self):
        self.silver.welcome_program_id = self.welcome_program
        customer = self._customers("Logged Ltd")
        self._invoices([(customer, 1500, 10)])
        self._evaluate(customer)
        reward = self.env["vip.loyalty.reward"].search(
            [("partner_id", "=", customer.id)]
        )
        with self.assertRaises(UserError):
            reward.write({"year": 1999})
        with self.assertRaises(UserError):
            reward.unlink()


@tagged("post_install", "-at_install", "vip_loyalty")
class TestVipInvoicePoints(VipLoyaltyCommon):
    def test_invoice_refund_and_repost(self):
        customer = self._customers("Points Ltd")
        invoice = self._invoices([(customer, 1000, 1)])
        self.assertEqual(self._points(customer), 100.0)
        card = self._cards(customer, self.points_program)
        line = card.history_ids
        self.assertEqual(
            (line.issued, line.order_model, line.order_id),
            (100.0, "account.move", invoice.id),
        )
        self.assertIn(invoice.name, line.description)
        # awarding again gives nothing twice, nor does a reset and a repost
        invoice._vip_sync_points()
        invoice.button_draft()
        self.assertEqual(self._points(customer), 100.0)
        invoice.action_post()
        self.assertEqual(self._points(customer), 100.0)
        self.assertEqual(
            self.env["loyalty.history"].search_count([("card_id", "=", card.id)]), 1
        )
        # reset, changed, posted again: the difference
        invoice.button_draft()
        invoice.invoice_line_ids.price_unit = 1200
        invoice.action_post()
        self.assertEqual(self._points(customer), 120.0)
        last = self.env["loyalty.history"].search([("card_id", "=", card.id)], limit=1)
        self.assertEqual((last.issued, last.order_id), (20.0, invoice.id))
        # a refund of part of the invoice takes back its share
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "date": self.today})
        )
        refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        refund.invoice_line_ids.price_unit = 480
        refund.action_post()
        self.assertEqual(self._points(customer), 72.0)
        last = self.env["loyalty.history"].search([("card_id", "=", card.id)], limit=1)
        self.assertEqual((last.used, last.order_id), (48.0, refund.id))
        # a cancelled refund gives its points back, a cancelled invoice takes its own
        refund.button_cancel()
        self.assertEqual(self._points(customer), 120.0)
        invoice.button_cancel()
        self.assertEqual(self._points(customer), 0.0)
        self.assertIn("cancelled", card.history_ids.sorted("id")[-1:].description)

    def test_deleted_draft_takes_back(self):
        customer = self._customers("Deleted Ltd")
        invoice = self._invoices([(customer, 500, 1)])
        invoice.button_draft()
        self.assertEqual(self._points(customer), 50.0)
        invoice.with_context(force_delete=True).unlink()
        self.assertEqual(self._points(customer), 0.0)

    def test_tier_multiplier_and_refund_without_origin(self):
        self.silver.points_multiplier = 3
        customer = self._customers("Silver Ltd", vip_tier_id=self.silver.id)
        self._invoices([(customer, 1000, 1), (customer, -100, 0)])
        self.assertEqual(self._points(customer), 300.0 - 30.0)

    def test_no_program_no_points(self):
        self.company.vip_points_program_id = False
        customer = self._customers("Plain Ltd")
        self._invoices([(customer, 1000, 1)])
        self.assertFalse(
            self.env["loyalty.card"].search([("partner_id", "=", customer.id)])
        )

    def test_points_of_a_batch_in_bounded_queries(self):
        """Awarding points costs the same number of queries for 5 or 40 invoices
        of as many customers."""
        small = self._invoices(
            [(c, 100, 1) for c in self._customers(*(f"S{i}" for i in range(5)))],
            post=False,
        )
        large = self._invoices(
            [(c, 100, 1) for c in self._customers(*(f"L{i}" for i in range(40)))],
            post=False,
        )
        warm = self._invoices(
            [(c, 100, 1) for c in self._customers("W1", "W2")], post=False
        )
        (warm | small | large).write({"state": "posted"})
        counts = []
        for moves in (warm, small, large):
            self.env.invalidate_all()
            moves = moves.browse(moves.ids)
            before = self.env.cr.sql_log_count
            moves._vip_sync_points()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(
            sum(
                self.env["loyalty.history"]
                .search([("order_id", "in", large.ids)])
                .mapped("issued")
            ),
            400.0,
        )
        self.assertEqual(counts[1], counts[2], "queries do not grow with the batch")


@tagged("post_install", "-at_install", "vip_loyalty", "vip_security")
class TestVipLoyaltyRpc(VipRpcCase):
    """No coupon or point by writing a field or replaying a call over JSON-RPC;
    the program settings are the VIP managers'."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user = cls._vip_user("loyalty_rpc_user")
        cls.user.group_ids = [Command.link(env.ref("account.group_account_invoice").id)]
        cls.manager = cls._vip_user("loyalty_rpc_manager", "manager")
        cls.program = env["loyalty.program"].create(
            {"name": "推荐有礼", "program_type": "coupons"}
        )
        cls.points = env["loyalty.program"].create(
            {"name": "会员积分", "program_type": "loyalty"}
        )
        env.company.write(
            {
                "vip_referral_program_id": cls.program.id,
                "vip_points_program_id": cls.points.id,
                "vip_points_per_amount": 1.0,
            }
        )
        Partner = env["res.partner"]
        cls.promoter = Partner.create({"name": "Promoter Co", "is_company": True})
        cls.customer = Partner.create({"name": "Invoiced Co", "is_company": True})
        cls.invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "price_unit": 500, "tax_ids": []})
                ],
            }
        )
        cls.invoice.action_post()

    def _coupons(self):
        return self.env["loyalty.card"].search_count(
            [("program_id", "=", self.program.id)]
        )

    def test_settings_are_managers_only(self):
        self.assertRefused(
            self.user,
            "res.company",
            "write",
            [self.env.company.id],
            {"vip_points_per_amount": 100.0},
            error="AccessError",
        )
        self.assertRefused(
            self.user,
            "res.company",
            "read",
            [self.env.company.id],
            ["vip_referral_program_id"],
            error="AccessError",
        )
        self.assertRefused(
            self.user,
            "res.config.settings",
            "create",
            {"vip_points_per_amount": 100.0},
            error="AccessError",
        )

    def test_no_coupon_by_field_or_replay(self):
        # linking a referrer afterwards, then resetting and posting again: the
        # customer's first invoice was already posted, no reward
        self._call(
            self.user,
            "res.partner",
            "write",
            [self.customer.id],
            {"vip_referred_by_id": self.promoter.id},
        )
        self._call(self.user, "account.move", "button_draft", [self.invoice.id])
        self._call(self.user, "account.move", "action_post", [self.invoice.id])
        self.assertRefused(self.user, "account.move", "action_post", [self.invoice.id])
        self.assertEqual(self._coupons(), 0)
        # private methods and the ledger are out of reach
        self.assertRefused(
            self.user,
            "vip.loyalty.reward",
            "_vip_reward_referrals",
            [self.invoice.id],
            error="AccessError",
        )
        for user in (self.user, self.manager):
            self.assertRefused(
                user,
                "vip.loyalty.reward",
                "create",
                {
                    "kind": "referrer",
                    "partner_id": self.promoter.id,
                    "program_id": self.program.id,
                    "company_id": self.env.company.id,
                    "date": "2026-01-01",
                },
                error="AccessError",
            )
        self.assertRefused(
            self.user,
            "loyalty.card",
            "create",
            {"program_id": self.program.id, "partner_id": self.promoter.id},
            error="AccessError",
        )
        self.assertEqual(self._coupons(), 0)

    def test_poster_without_vip_rights_gives_the_coupons(self):
        """An accountant who is no VIP manager posts a referred customer's first
        invoice: the server gives the coupons (the settings stay hidden to him)."""
        accountant = self.env["res.users"].create(
            {
                "name": "Accountant",
                "login": "loyalty_accountant",
                "password": "loyalty_accountant",
                "group_ids": [
                    Command.set([self.env.ref("account.group_account_invoice").id])
                ],
            }
        )
        referred = self.env["res.partner"].create(
            {
                "name": "Referred Co",
                "is_company": True,
                "vip_referred_by_id": self.promoter.id,
            }
        )
        draft = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": referred.id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "price_unit": 80, "tax_ids": []})
                ],
            }
        )
        self._call(accountant, "account.move", "action_post", [draft.id])
        self.assertEqual(self._coupons(), 2)
        card = self.env["loyalty.card"].search(
            [("program_id", "=", self.points.id), ("partner_id", "=", referred.id)]
        )
        self.assertEqual(card.points, 80.0)

    def test_no_points_by_field_or_replay(self):
        card = self.env["loyalty.card"].search([("program_id", "=", self.points.id)])
        self.assertEqual(card.points, 500.0)
        self.assertRefused(
            self.user,
            "loyalty.card",
            "write",
            [card.id],
            {"points": 10000},
            error="AccessError",
        )
        self.assertRefused(
            self.user,
            "loyalty.history",
            "create",
            {"card_id": card.id, "description": "gift", "issued": 10000},
            error="AccessError",
        )
        self.assertRefused(
            self.user,
            "account.move",
            "_vip_sync_points",
            [self.invoice.id],
            error="AccessError",
        )
        self._call(
            self.user,
            "account.move",
            "write",
            [self.invoice.id],
            {"posted_before": False},
        )
        self.assertRefused(self.user, "account.move", "action_post", [self.invoice.id])
        card.invalidate_recordset()
        self.assertEqual(card.points, 500.0)

    def test_portal_shows_cards(self):
        portal = self.env["res.users"].create(
            {
                "name": "Invoiced Co buyer",
                "login": "loyalty_portal",
                "password": "loyalty_portal",
                "partner_id": self.customer.id,
                "group_ids": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self.customer.vip_referred_by_id = self.promoter
        card = self.env["loyalty.card"].search([("partner_id", "=", self.customer.id)])
        self.authenticate(portal.login, portal.login)
        page = self.url_open("/my/vip").text
        self.assertIn("o_vip_loyalty_cards", page)
        self.assertIn("会员积分", page)
        self.assertIn(card.points_display, page)
        self.assertIn(f"/my/loyalty_card/{card.id}/history", page)
        history = self.url_open(f"/my/loyalty_card/{card.id}/history").text
        self.assertIn(self.invoice.name, history)
        # another customer sees none of them
        other = self.env["res.partner"].create({"name": "Other Co", "is_company": True})
        stranger = self.env["res.users"].create(
            {
                "name": "Other buyer",
                "login": "loyalty_stranger",
                "password": "loyalty_stranger",
                "partner_id": other.id,
                "group_ids": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        self.authenticate(stranger.login, stranger.login)
        self.assertNotIn("会员积分", self.url_open("/my/vip").text)


@tagged("post_install", "-at_install", "vip_loyalty", "vip_export")
class TestVipWordOfMouthFigures(VipLoyaltyCommon):
    def test_workbook_and_dashboard(self):
        self.promoter.vip_tier_id = self.gold
        self._invoices([(self.newcomer, 1000, 0)])
        month = self.today.strftime("%Y-%m")
        manager = self.env(user=self.user_manager)
        builder = VipReviewWorkbook(
            manager, self.today - relativedelta(days=31), self.today, manager.company
        )
        book = openpyxl.load_workbook(io.BytesIO(builder.build()))
        rows = [list(row) for row in book["Word of Mouth"].iter_rows(values_only=True)]
        header = rows[0]
        by_tier = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
        gold = by_tier["Gold"]
        self.assertEqual(gold["Month"], month)
        self.assertEqual((gold["Referrals"], gold["Coupons Issued"]), (1, 1))
        self.assertEqual(gold["Referred Revenue"], 1000)
        self.assertEqual(by_tier["No tier"]["Coupons Issued"], 1)
        self.assertEqual(by_tier["No tier"]["Points Earned"], 100)
        # the monthly dashboard
        self.env.flush_all()
        report = self.env["vip.review.report"].with_user(self.user_manager)
        [(tier, referrals, revenue, coupons)] = report._read_group(
            [
                ("kind", "in", ("coupon", "referred_revenue")),
                ("tier_id", "=", self.gold.id),
            ],
            ["tier_id"],
            ["referral_count:sum", "referred_revenue:sum", "coupon_issued_count:sum"],
        )
        self.assertEqual((referrals, revenue, coupons), (1, 1000.0, 1))
        [(points,)] = report._read_group(
            [("kind", "=", "points"), ("partner_id", "=", self.newcomer.id)],
            [],
            ["points_earned:sum"],
        )
        self.assertEqual(points, 100.0)
