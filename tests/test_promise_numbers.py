"""Promise references are gapless: refused creations and the upgrade from the
standard (PostgreSQL) sequence leave no hole. Concurrent creation is tried with
real transactions in test_concurrency.py."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged

from .common import VipCareCommon


@tagged("post_install", "-at_install")
class TestPromiseNumbers(VipCareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sequence = cls.env.ref("partner_vip_care.seq_vip_promise")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Ledger Audit Ltd", "is_company": True, "user_id": cls.user_vip.id}
        )

    def _create(self, value=10):
        return self.env["vip.promise"].create(
            {
                "partner_id": self.customer.id,
                "description": "Audited",
                "value": value,
                "deadline": fields.Date.today() + timedelta(days=5),
            }
        )

    def number(self, promise):
        return int(promise.name.rsplit("/", 1)[1])

    def test_sequence_is_gapless(self):
        self.assertEqual(self.sequence.implementation, "no_gap")
        self.assertTrue(self.sequence.use_date_range)

    def test_refused_creation_leaves_no_gap(self):
        first = self._create()
        for _attempt in range(3):
            with self.assertRaises(ValidationError):
                self._create(value=-1)
        second = self._create()
        self.assertEqual(self.number(second), self.number(first) + 1)

    def test_next_number_shown_and_set_by_hand(self):
        """The sequence form shows the number after the last one drawn; a next
        number set by hand there is the one the next promise takes."""
        first = self._create()
        today = fields.Date.today()
        date_range = self.sequence.date_range_ids.filtered(
            lambda r: r.date_from <= today <= r.date_to
        )
        self.assertEqual(date_range.number_next_actual, self.number(first) + 1)
        date_range.number_next_actual = self.number(first) + 10
        self.assertEqual(self.number(self._create()), self.number(first) + 10)
        self.assertEqual(date_range.number_next_actual, self.number(first) + 11)

    def test_ranges_created_ahead(self):
        self.env["vip.promise"]._vip_ensure_sequence_ranges(years_ahead=1)
        year = fields.Date.today().year
        years = [r.date_from.year for r in self.sequence.date_range_ids]
        self.assertEqual(years.count(year), 1)
        self.assertEqual(years.count(year + 1), 1)
        # idempotent
        self.env["vip.promise"]._vip_ensure_sequence_ranges(years_ahead=1)
        years = [r.date_from.year for r in self.sequence.date_range_ids]
        self.assertEqual(years.count(year + 1), 1)

    def test_upgrade_keeps_the_next_number(self):
        self.sequence.implementation = "standard"
        before = self._create()
        self._create()
        self.env["vip.promise"]._vip_make_sequence_gapless()
        self.assertEqual(self.sequence.implementation, "no_gap")
        after = self._create()
        self.assertEqual(self.number(after), self.number(before) + 2)


@tagged("at_install", "-post_install")
class TestLedgerRangesAtInstall(TransactionCase):
    """A new database has this year's and next year's ranges of both ledger
    sequences: its first promises and benefit uses do not race to create them."""

    def test_ranges_exist_after_install(self):
        year = fields.Date.today().year
        for code in ("vip.promise", "vip.benefit.usage"):
            sequence = self.env["ir.sequence"].search([("code", "=", code)])
            years = sorted(r.date_from.year for r in sequence.date_range_ids)
            with self.subTest(code=code):
                self.assertEqual(years, [year, year + 1])

    def test_benefit_uses_draw_their_numbers(self):
        """The uses' numbers come from drawn rows, not from a counter row."""
        partner = self.env["res.partner"].create({"name": "Lotus", "is_company": True})
        benefit = self.env["vip.benefit"].create({"name": "Training"})
        Usage = self.env["vip.benefit.usage"]
        first, second = (
            Usage.create({"partner_id": partner.id, "benefit_id": benefit.id})
            for _ in range(2)
        )
        self.assertEqual(
            int(second.name.rsplit("/", 1)[1]), int(first.name.rsplit("/", 1)[1]) + 1
        )
        sequence = self.env.ref("partner_vip_care.seq_vip_benefit_usage")
        drawn = self.env["vip.promise.number"].search(
            [("sequence_id", "=", sequence.id)]
        )
        self.assertEqual(len(drawn), 2)
        this_year = sequence.date_range_ids.filtered(
            lambda r: r.date_from.year == fields.Date.today().year
        )
        self.assertEqual(this_year.number_next, 1, "the counter row is not updated")
