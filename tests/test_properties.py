"""Property-based tests (hypothesis): the SLA deadlines and the tier evaluation
hold their rules for any input, not only the examples of the other tests."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged

from .common import VipComplaintCommon

BOUNDED = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# receptions over two years, to the minute
moments = st.datetimes(
    min_value=datetime(2030, 1, 1), max_value=datetime(2031, 12, 31)
).map(lambda moment: moment.replace(second=0, microsecond=0))
hours = st.integers(min_value=1, max_value=120)
revenues = st.floats(min_value=0, max_value=2_000_000, allow_nan=False)


@tagged("post_install", "-at_install", "vip_properties")
class TestDeadlineProperties(VipComplaintCommon):
    def plan(self, hours, start):
        return self.calendar._vip_plan_business_hours(start, hours)

    @BOUNDED
    @given(start=moments, allowed=hours)
    def test_never_before_reception(self, start, allowed):
        self.assertGreaterEqual(self.plan(allowed, start), start)

    @BOUNDED
    @given(start=moments, allowed=hours, more=hours)
    def test_monotonic_in_hours(self, start, allowed, more):
        self.assertLessEqual(
            self.plan(allowed, start), self.plan(allowed + more, start)
        )

    @settings(BOUNDED, max_examples=30)
    @given(
        start=moments,
        allowed=hours,
        holiday=st.integers(min_value=0, max_value=30),
        length=st.integers(min_value=1, max_value=3),
    )
    def test_never_earlier_with_a_holiday(self, start, allowed, holiday, length):
        before = self.plan(allowed, start)
        first = datetime.combine(
            start.date() + timedelta(days=holiday), datetime.min.time()
        )
        leave = self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.calendar.id,
                "date_from": first,
                "date_to": first + timedelta(days=length) - timedelta(seconds=1),
            }
        )
        try:
            self.assertGreaterEqual(self.plan(allowed, start), before)
        finally:
            leave.unlink()

    @settings(BOUNDED, max_examples=25)
    @given(
        received=moments,
        wait_after=st.integers(min_value=0, max_value=48 * 60),
        wait_for=st.integers(min_value=1, max_value=96 * 60),
    )
    def test_pause_pushes_by_paused_business_hours(
        self, received, wait_after, wait_for
    ):
        with freeze_time(received):
            complaint = self._complaint()
        deadline = complaint.resolution_deadline
        waited_on = received + timedelta(minutes=wait_after)
        resumed_on = waited_on + timedelta(minutes=wait_for)
        with freeze_time(waited_on):
            complaint.action_wait()
        with freeze_time(resumed_on):
            complaint.action_resume()
        paused = self.calendar.get_work_hours_count(
            waited_on, resumed_on, compute_leaves=True
        )
        self.assertAlmostEqual(complaint.paused_hours, paused, places=4)
        expected = self.plan(paused, deadline) if paused > 0 else deadline
        self.assertEqual(complaint.resolution_deadline, expected)
        self.assertGreaterEqual(complaint.resolution_deadline, deadline)


@tagged("post_install", "-at_install", "vip_properties")
class TestTierProperties(VipComplaintCommon):
    """``vip.tier._vip_plan_tier_changes`` on rows of one customer."""

    TODAY = date(2030, 6, 1)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tiers = (
            cls.env["vip.tier"]
            .sudo()
            .search([("company_id", "=", cls.company.id)], order="level desc")
        )
        cls.grace = cls.company.vip_downgrade_grace_days

    def final_tier(self, revenue, tier=None, since=None, locked=False, until=None):
        row = (
            self.customer.id,
            tier.id if tier else None,
            locked,
            until,
            since,
            0.0,
            "c",
        )
        revenues = {self.customer.id: revenue}
        plan = self.env["vip.tier"]._vip_plan_tier_changes(
            [row], self.tiers, revenues, self.TODAY
        )
        for (new_tier, _reason), partners in plan.items():
            if self.customer in partners:
                return new_tier
        return tier or self.tiers.browse()

    def level(self, tier):
        return tier.level if tier else -1

    tier_indexes = st.integers(min_value=0, max_value=10)
    ages = st.integers(min_value=0, max_value=400)

    def _tier(self, index):
        return self.tiers[index % len(self.tiers)]

    @BOUNDED
    @given(low=revenues, more=revenues)
    def test_monotonic_in_revenue(self, low, more):
        self.assertLessEqual(
            self.level(self.final_tier(low)), self.level(self.final_tier(low + more))
        )

    @BOUNDED
    @given(index=tier_indexes, low=revenues, more=revenues, age=ages)
    def test_monotonic_in_revenue_from_a_tier(self, index, low, more, age):
        tier, since = self._tier(index), self.TODAY - timedelta(days=age)
        self.assertLessEqual(
            self.level(self.final_tier(low, tier, since)),
            self.level(self.final_tier(low + more, tier, since)),
        )

    @BOUNDED
    @given(index=tier_indexes, revenue=revenues, age=ages)
    def test_no_downgrade_while_retained_or_in_grace(self, index, revenue, age):
        tier = self._tier(index)
        since = self.TODAY - timedelta(days=age)
        new = self.final_tier(revenue, tier, since)
        if revenue >= tier.retain_amount or age < self.grace:
            self.assertGreaterEqual(self.level(new), tier.level)

    @BOUNDED
    @given(
        index=tier_indexes,
        revenue=revenues,
        age=ages,
        lock_days=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
    )
    def test_locked_tier_never_changes(self, index, revenue, age, lock_days):
        tier = self._tier(index)
        until = None if lock_days is None else self.TODAY + timedelta(days=lock_days)
        new = self.final_tier(
            revenue, tier, self.TODAY - timedelta(days=age), locked=True, until=until
        )
        self.assertEqual(new, tier)
