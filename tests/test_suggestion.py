from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import VipMeetingCommon


class VipSuggestionCommon(VipMeetingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer_c = cls.env["res.partner"].create(
            {
                "name": "Gamma Tools",
                "is_company": True,
                "email": "info@gamma.example.com",
                "vip_tier_id": cls.tier_gold.id,
            }
        )
        cls.suggestion = cls.env["vip.suggestion"].create(
            {
                "name": "Deliver on Saturdays",
                "partner_id": cls.customer_a.id,
                "supporter_ids": [Command.set(cls.contact_b.ids)],
                "meeting_id": cls.meeting.id,
                "category": "delivery",
                "user_id": cls.user_vip.id,
            }
        )


@tagged("post_install", "-at_install", "vip_suggestion")
class TestSuggestionFlow(VipSuggestionCommon):
    def test_review_accept_implement(self):
        self.suggestion.action_review()
        self.assertEqual(self.suggestion.state, "review")
        self.suggestion.action_accept(note="Saturday deliveries start in May.")
        self.assertEqual(self.suggestion.state, "accepted")
        self.assertEqual(
            self.suggestion.decision_note, "Saturday deliveries start in May."
        )
        self.assertTrue(self.suggestion.decided_on)
        self.assertTrue(self.suggestion.reply_pending)
        self.suggestion.action_implement(note="Running since May 3rd.")
        self.assertEqual(self.suggestion.state, "implemented")
        self.assertEqual(self.suggestion.tier_id, self.tier_gold)
        self.assertEqual(self.meeting.suggestion_count, 1)
        self.assertEqual(self.customer_a.vip_suggestion_count, 1)

    def test_deciding_without_note_refused(self):
        for method in ("action_accept", "action_reject", "action_implement"):
            with self.assertRaises(UserError):
                getattr(self.suggestion, method)()
            with self.assertRaises(UserError):
                getattr(self.suggestion, method)(note="   ")
        with self.assertRaises(ValidationError):
            self.suggestion.state = "rejected"
        self.assertEqual(self.suggestion.state, "new")

    def test_button_without_note_opens_wizard(self):
        action = self.suggestion.action_open_reject_wizard()
        self.assertEqual(action["res_model"], "vip.suggestion.decision.wizard")
        self.assertEqual(self.suggestion.state, "new")
        wizard = (
            self.env[action["res_model"]]
            .with_context(**action["context"])
            .create({"send_reply": False})
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        wizard.note = "Out of our delivery area on weekends."
        wizard.action_confirm()
        self.assertEqual(self.suggestion.state, "rejected")
        self.assertFalse(self.suggestion.response_sent_on)

    def test_state_order_enforced(self):
        self.suggestion.action_reject(note="No.")
        with self.assertRaises(UserError):
            self.suggestion.action_accept(note="Yes after all.")
        with self.assertRaises(UserError):
            self.suggestion.action_review()


@tagged("post_install", "-at_install", "vip_suggestion")
class TestSuggestionReply(VipSuggestionCommon):
    def test_reply_reaches_customer_and_supporters(self):
        with self.assertRaises(UserError):
            self.suggestion.action_send_reply()  # nothing decided yet
        self.suggestion.action_accept(note="Saturday deliveries start in May.")
        with freeze_time("2030-05-02 10:00:00"):
            self.suggestion.action_send_reply()
        self.assertEqual(self.suggestion.response_sent_on, datetime(2030, 5, 2, 10, 0))
        self.assertFalse(self.suggestion.reply_pending)
        replies = self.suggestion.message_ids.filtered(
            lambda m: m.message_type == "comment"
        )
        # the customer's reply, and the supporters' own (not "your suggestion")
        to_customer = replies.filtered(lambda m: m.partner_ids == self.customer_a)
        to_supporter = replies.filtered(lambda m: m.partner_ids == self.contact_b)
        self.assertEqual(len(replies), 2)
        self.assertIn("Thank you for your suggestion", to_customer.body)
        self.assertIn("Thank you for supporting the suggestion", to_supporter.body)
        self.assertNotIn(self.customer_a.name, to_supporter.body)
        for message in replies:
            self.assertIn("Saturday deliveries start in May.", message.body)
            self.assertIn("accepted", message.body)
            mails = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
            self.assertEqual(mails.recipient_ids, message.partner_ids)

    def test_wizard_decides_and_replies(self):
        wizard = self.env["vip.suggestion.decision.wizard"].create(
            {
                "suggestion_ids": [Command.set(self.suggestion.ids)],
                "decision": "accepted",
                "note": "Yes, from May.",
            }
        )
        wizard.action_confirm()
        self.assertEqual(self.suggestion.state, "accepted")
        self.assertTrue(self.suggestion.response_sent_on)

    def test_reply_in_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.customer_a.lang = "fr_FR"
        template = self.env.ref("partner_vip_care.mail_template_vip_suggestion_reply")
        template.with_context(
            lang="fr_FR"
        ).subject = "Votre suggestion {{ object.name }}"
        self.suggestion.action_accept(note="Oui.")
        self.suggestion.action_send_reply()
        replies = self.suggestion.message_ids.filtered(
            lambda m: m.message_type == "comment"
        )
        # the customer's reply in French; the supporter's in its own language
        french = replies.filtered(lambda m: m.partner_ids == self.customer_a)
        self.assertEqual(french.subject, "Votre suggestion Deliver on Saturdays")
        other = replies - french
        self.assertEqual(other.partner_ids, self.contact_b)
        self.assertEqual(
            other.subject,
            'A suggestion you supported, "Deliver on Saturdays": our decision',
        )


@tagged("post_install", "-at_install", "vip_suggestion")
class TestSuggestionMerge(VipSuggestionCommon):
    def test_merge_moves_supporters(self):
        duplicate = self.env["vip.suggestion"].create(
            {
                "name": "Weekend deliveries",
                "partner_id": self.customer_c.id,
                "supporter_ids": [Command.set(self.customer_b.ids)],
            }
        )
        duplicate.action_merge_into(self.suggestion)
        # Gamma and its supporter Beta join Bella as supporters.
        self.assertEqual(
            self.suggestion.supporter_ids,
            self.contact_b | self.customer_c | self.customer_b,
        )
        self.assertEqual(self.suggestion.supporter_count, 3)
        self.assertFalse(duplicate.active)
        self.assertEqual(duplicate.merged_into_id, self.suggestion)
        with self.assertRaises(UserError):
            self.suggestion.action_merge_into(self.suggestion)
        with self.assertRaises(UserError):
            self.suggestion.action_merge_into(duplicate)

    def test_merge_drops_target_customer_from_supporters(self):
        duplicate = self.env["vip.suggestion"].create(
            {
                "name": "Saturday again",
                "partner_id": self.customer_a.id,
                "supporter_ids": [Command.set(self.customer_c.ids)],
            }
        )
        duplicate.action_merge_into(self.suggestion)
        self.assertEqual(
            self.suggestion.supporter_ids, self.contact_b | self.customer_c
        )

    def test_merge_wizard(self):
        duplicate = self.env["vip.suggestion"].create(
            {"name": "Saturday", "partner_id": self.customer_c.id}
        )
        wizard = (
            self.env["vip.suggestion.merge.wizard"]
            .with_context(
                active_model="vip.suggestion",
                active_ids=(duplicate | self.suggestion).ids,
            )
            .create({"target_id": self.suggestion.id})
        )
        wizard.action_merge()
        self.assertIn(self.customer_c, self.suggestion.supporter_ids)
        self.assertTrue(self.suggestion.active)
        self.assertFalse(duplicate.active)

    def test_customer_cannot_support_own_suggestion(self):
        with self.assertRaises(ValidationError):
            self.suggestion.supporter_ids = [Command.link(self.customer_a.id)]


@tagged("post_install", "-at_install", "vip_suggestion")
class TestSuggestionRates(VipSuggestionCommon):
    def test_rates_on_known_set(self):
        Suggestion = self.env["vip.suggestion"]
        raised = datetime(2030, 1, 1, 8, 0)
        rows = Suggestion.create(
            [
                {"name": f"Idea {i}", "partner_id": partner.id, "raised_on": raised}
                for i, partner in enumerate(
                    [self.customer_a, self.customer_a, self.customer_b, self.customer_c]
                )
            ]
        )
        (self.suggestion | rows).write({"raised_on": raised})
        rows[0].action_accept(note="ok")
        rows[1].action_accept(note="ok")
        rows[1].action_implement(note="done")
        rows[2].action_reject(note="no")
        rows[3].action_accept(note="ok")
        with freeze_time("2030-01-03 08:00:00"):
            rows[0].action_send_reply()
        with freeze_time("2030-01-05 08:00:00"):
            rows[2].action_send_reply()
        # self.suggestion stays new: not decided, not in the rates.
        self.assertEqual(rows[0].days_to_reply, 2.0)
        self.assertEqual(rows[2].days_to_reply, 4.0)
        Report = self.env["vip.suggestion.report"]
        domain = [("suggestion_id", "in", (self.suggestion | rows).ids)]
        [(count, decided, adopted, replied, adoption, closure, days)] = (
            Report._read_group(
                domain,
                [],
                [
                    "suggestion_count:sum",
                    "decided_count:sum",
                    "adopted_count:sum",
                    "replied_count:sum",
                    "adoption_rate:avg",
                    "closure_rate:avg",
                    "days_to_reply:avg",
                ],
            )
        )
        self.assertEqual((count, decided, adopted, replied), (5, 4, 3, 2))
        self.assertAlmostEqual(adoption, 75.0)
        self.assertAlmostEqual(closure, 50.0)
        self.assertAlmostEqual(days, 3.0)
        # Per tier: Gold = Alpha (x3 incl. the new one) and Gamma; Platinum = Beta.
        by_tier = dict(Report._read_group(domain, ["tier_id"], ["closure_rate:avg"]))
        self.assertAlmostEqual(by_tier[self.tier_gold], 100.0 / 3)
        self.assertAlmostEqual(by_tier[self.tier_platinum], 100.0)
        by_customer = dict(
            Report._read_group(domain, ["partner_id"], ["suggestion_count:sum"])
        )
        self.assertEqual(by_customer[self.customer_a], 3)


@tagged("post_install", "-at_install", "vip_suggestion", "vip_security")
class TestSuggestionSecurity(VipSuggestionCommon):
    def test_record_rules(self):
        beta = self.env["vip.suggestion"].create(
            {"name": "Beta idea", "partner_id": self.customer_b.id, "user_id": False}
        )
        Suggestion = self.env["vip.suggestion"]
        self.assertIn(self.suggestion, Suggestion.with_user(self.user_vip).search([]))
        self.assertNotIn(beta, Suggestion.with_user(self.user_vip).search([]))
        self.assertIn(beta, Suggestion.with_user(self.user_vip_2).search([]))
        with self.assertRaises(AccessError):
            beta.with_user(self.user_vip).write({"name": "Mine now"})
        self.assertIn(beta, Suggestion.with_user(self.user_manager).search([]))
        # Counters count what the viewer may read.
        self.assertEqual(
            self.customer_b.with_user(self.user_vip).vip_suggestion_count, 0
        )
        self.assertEqual(
            self.customer_b.with_user(self.user_vip_2).vip_suggestion_count, 1
        )
        with self.assertRaises(AccessError):
            self.env["vip.suggestion.report"].with_user(self.user_vip).search([])

    def test_vip_user_runs_the_whole_loop(self):
        suggestion = self.suggestion.with_user(self.user_vip)
        suggestion.action_review()
        suggestion.action_accept(note="From May.")
        suggestion.action_send_reply()
        self.assertTrue(self.suggestion.response_sent_on)
        meeting = self.meeting.with_user(self.user_manager)
        meeting.recurrence = "monthly"
        meeting.action_plan()
        meeting.action_hold()
        meeting.action_close()
        self.assertEqual(meeting.next_meeting_id.state, "planned")

    def test_user_cannot_delete_decided(self):
        self.suggestion.action_accept(note="ok")
        with self.assertRaises(UserError):
            self.suggestion.with_user(self.user_vip).unlink()
