"""Complaint teams: the category's team at intake, round robin over the
available members, balanced by the weighted load, manual teams, triage, the
agent's own availability switch and who may configure teams."""

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import VipComplaintCommon


@tagged("post_install", "-at_install", "vip_complaint")
class TestComplaintTeam(VipComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agents = [
            new_test_user(
                cls.env,
                login=f"team_agent_{n}",
                name=f"Agent {n}",
                groups="base.group_user,partner_vip_care.group_vip_user",
            )
            for n in range(3)
        ]
        cls.team = cls.env["vip.complaint.team"].create(
            {
                "name": "Delivery desk",
                "member_ids": [Command.set([a.id for a in cls.agents])],
                "category_ids": [Command.set(cls.category_delivery.ids)],
                "assign_method": "round_robin",
            }
        )

    def _intake(self, count=1, **vals):
        return self.Complaint.create(
            [
                {
                    "subject": f"Late delivery {n}",
                    "partner_id": self.customer_plain.id,
                    "category_id": self.category_delivery.id,
                    **vals,
                }
                for n in range(count)
            ]
        )

    def test_round_robin_skips_unavailable_members(self):
        a0, a1, a2 = self.agents
        a1.with_user(a1).write({"vip_available": False})
        complaints = self._intake(2) | self._intake(1) | self._intake(1)
        self.assertEqual(complaints.team_id, self.team)
        self.assertEqual(complaints.mapped("user_id"), a0 | a2)
        self.assertEqual([c.user_id for c in complaints.sorted("id")], [a0, a2, a0, a2])
        # back from leave: the turn goes on after the last one assigned
        a1.with_user(a1).write({"vip_available": True})
        self.assertEqual(self._intake().user_id, a0)
        self.assertEqual(self._intake().user_id, a1)
        self.assertEqual(self._intake().user_id, a2)

    def test_nobody_available_leaves_the_team_queue(self):
        for agent in self.agents:
            agent.with_user(agent).write({"vip_available": False})
        complaint = self._intake()
        self.assertEqual(complaint.team_id, self.team)
        self.assertFalse(complaint.user_id, "nobody to give it to: unassigned")
        self.agents[2].with_user(self.agents[2]).write({"vip_available": True})
        complaint.action_assign_to_team()
        self.assertEqual(complaint.user_id, self.agents[2])

    def test_balanced_weighs_open_complaints_by_priority(self):
        a0, a1, a2 = self.agents
        self.team.assign_method = "balanced"
        self.team.member_ids = [Command.set([a0.id, a1.id])]
        # a0 holds one complaint of a gold customer, a1 two plain ones
        gold = self._complaint(subject="Gold issue", user_id=a0.id)
        self._complaint(partner_id=self.customer_plain.id, user_id=a1.id)
        self._complaint(partner_id=self.customer_plain.id, user_id=a1.id)
        self.assertGreater(gold.priority, 1, "gold weighs more than 2 plain ones")
        self.assertEqual(self._intake().user_id, a1)
        # closed complaints weigh nothing
        gold.action_resolve()
        gold.action_close()
        self.assertEqual(self._intake().user_id, a0)
        self.assertNotIn(a2, self.team.member_ids)

    def test_manual_team_and_kept_responsible(self):
        a0, a1, _a2 = self.agents
        complaint = self._intake(user_id=a1.id)
        self.assertEqual(complaint.user_id, a1, "an available member chosen stays")
        # the customer's salesperson is no member: the team's turn decides
        complaint = self._intake(user_id=self.user_vip.id)
        self.assertIn(complaint.user_id, self.team.member_ids)
        self.team.assign_method = "manual"
        complaint = self._intake(user_id=self.user_vip.id)
        self.assertEqual(complaint.team_id, self.team)
        self.assertEqual(complaint.user_id, self.user_vip)
        self.assertFalse(self.Complaint.create({"subject": "No category"}).team_id)

    def test_triage_routes_a_mailed_complaint(self):
        complaint = self.Complaint.with_context(mail_create_nolog=True).message_new(
            {
                "email_from": self.customer.email,
                "subject": "Parcel lost",
                "body": "<p>Where is it?</p>",
                "to": "complaints@example.com",
            }
        )
        self.assertFalse(complaint.team_id, "no category yet")
        self.assertEqual(complaint.user_id, self.user_vip, "the salesperson")
        complaint.category_id = self.category_delivery
        self.assertEqual(complaint.team_id, self.team)
        self.assertIn(complaint.user_id, self.team.member_ids)

    def test_category_belongs_to_one_team(self):
        with self.assertRaises(ValidationError):
            self.env["vip.complaint.team"].create(
                {
                    "name": "Second desk",
                    "category_ids": [Command.set(self.category_delivery.ids)],
                }
            )
        other = self.env["res.company"].create({"name": "Other Co"})
        with self.assertRaises(ValidationError):
            self._intake(
                team_id=self.env["vip.complaint.team"]
                .create({"name": "Elsewhere", "company_id": other.id})
                .id
            )

    def test_agents_read_managers_configure(self):
        agent = self.agents[0]
        self.assertEqual(
            self.team.with_user(agent).read(["name"])[0]["name"], "Delivery desk"
        )
        with self.assertRaises(AccessError):
            self.team.with_user(agent).write({"assign_method": "manual"})
        with self.assertRaises(AccessError):
            self.env["vip.complaint.team"].with_user(agent).create({"name": "Mine"})
        team = (
            self.env["vip.complaint.team"]
            .with_user(self.user_manager)
            .create(
                {
                    "name": "Billing desk",
                    "category_ids": [Command.set(self.category_billing.ids)],
                }
            )
        )
        self.assertEqual(team.company_id, self.env.company)
        # an agent switches itself only
        with self.assertRaises(AccessError):
            self.agents[1].with_user(agent).write({"vip_available": False})
        # team members see the team's complaints
        complaint = self._intake()
        for member in self.agents:
            self.assertTrue(complaint.with_user(member).has_access("read"))

    def test_team_kanban_load(self):
        self._intake(3)
        self.team.invalidate_recordset()
        self.assertEqual(self.team.open_complaint_count, 3)
        self.assertEqual(self.team.available_count, 3)
        self.assertIn("Agent 0", str(self.team.load_html))
