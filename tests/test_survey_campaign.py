"""Satisfaction campaigns: targeting, answers given through the survey's own
routes (token links), NPS, follow-ups and the results-and-thanks mail."""

from datetime import date, datetime

from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import VipCareCommon


@tagged("post_install", "-at_install", "vip_survey")
class TestSurveyCampaign(VipCareCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.survey = env.ref("partner_vip_care.vip_survey_satisfaction")
        cls.q_recommend = env.ref("partner_vip_care.vip_survey_question_recommend")
        cls.q_satisfaction = env.ref(
            "partner_vip_care.vip_survey_question_satisfaction"
        )
        cls.q_restaurant = env.ref("partner_vip_care.vip_survey_question_restaurant")
        cls.gold = env.ref("partner_vip_care.vip_tier_gold")
        cls.silver = env.ref("partner_vip_care.vip_tier_silver")
        cls.platinum = env.ref("partner_vip_care.vip_tier_platinum")
        Partner = env["res.partner"]

        def customers(prefix, count, tier, pareto, **extra):
            return Partner.create(
                [
                    {
                        "name": f"{prefix} {i}",
                        "is_company": True,
                        "email": f"{prefix.lower()}{i}@example.com",
                        "user_id": cls.user_vip.id,
                        "vip_tier_id": tier.id,
                        "vip_pareto_class": pareto,
                        **extra,
                    }
                    for i in range(count)
                ]
            )

        # 3 tiers: platinum customers are class A (census), gold B, silver C
        cls.class_a = customers("Alpha", 4, cls.platinum, "a")
        cls.class_b = customers("Beta", 10, cls.gold, "b")
        cls.class_c = customers("Gamma", 10, cls.silver, "c")
        cls.no_email = Partner.create(
            {
                "name": "Offline Trading",
                "is_company": True,
                "vip_tier_id": cls.platinum.id,
                "vip_pareto_class": "a",
            }
        )
        cls.with_contact = Partner.create(
            {
                "name": "Contact Holdings",
                "is_company": True,
                "vip_tier_id": cls.platinum.id,
                "vip_pareto_class": "a",
            }
        )
        cls.buyer = Partner.create(
            {
                "name": "Li Buyer",
                "parent_id": cls.with_contact.id,
                "email": "li.buyer@example.com",
            }
        )
        cls.outsider = Partner.create(
            {"name": "No Tier Ltd", "is_company": True, "email": "x@example.com"}
        )

    def _campaign(self, **vals):
        return (
            self.env["vip.survey.campaign"]
            .with_user(self.user_manager)
            .create(
                {
                    "name": "Spring survey",
                    "tier_ids": [(6, 0, (self.platinum | self.gold | self.silver).ids)],
                    "pareto_classes": "abc",
                    "census_class": "a",
                    "sample_ratio": 0.3,
                    **vals,
                }
            )
        )

    def _answer(self, participant, score, satisfaction=4, restaurant="The soup"):
        """Answer as the customer does: the token link of the invitation, then
        the survey's submit route."""
        answer = participant.user_input_id
        token = answer.access_token
        survey_token = self.survey.access_token
        response = self.url_open(
            f"/survey/start/{survey_token}?answer_token={token}", allow_redirects=True
        )
        self.assertEqual(response.status_code, 200)
        base = self.survey.get_base_url()
        response = self.url_open(
            f"{base}/survey/begin/{survey_token}/{token}",
            json={"params": {"lang_code": "en_US"}},
        )
        self.assertEqual(response.status_code, 200)
        post = {
            str(self.q_recommend.id): str(score),
            str(self.q_satisfaction.id): str(satisfaction),
            str(self.q_restaurant.id): restaurant,
            "token": token,
        }
        response = self.url_open(
            f"{base}/survey/submit/{survey_token}/{token}", json={"params": post}
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("error", response.json().get("result", [{}, {}])[1])
        answer.invalidate_recordset()
        participant.invalidate_recordset()

    # ------------------------------------------------------------------
    # targeting
    # ------------------------------------------------------------------

    def test_targeting_census_sampling_and_no_email(self):
        campaign = self._campaign()
        self.assertEqual(campaign.survey_id, self.survey)
        self.assertEqual(campaign.nps_question_id, self.q_recommend)
        self.assertEqual(campaign.csat_question_id, self.q_satisfaction)
        campaign.action_select_participants()
        participants = campaign.participant_ids
        census = participants.filtered(lambda p: p.selection == "census")
        # class A asked in full, B and C sampled at 30% (3 of 10 each)
        self.assertEqual(
            census.partner_id, self.class_a | self.no_email | self.with_contact
        )
        self.assertEqual(len(participants.filtered(lambda p: p.pareto_class == "b")), 3)
        self.assertEqual(len(participants.filtered(lambda p: p.pareto_class == "c")), 3)
        self.assertNotIn(self.outsider, participants.partner_id)
        # one per customer, its main contact, without e-mail listed
        self.assertEqual(len(participants.partner_id), len(participants))
        row = participants.filtered(lambda p: p.partner_id == self.with_contact)
        self.assertEqual(row.contact_id, self.buyer)
        offline = participants.filtered(lambda p: p.partner_id == self.no_email)
        self.assertEqual(offline.state, "no_email")
        self.assertEqual(campaign.no_email_count, 1)
        # reproducible: drawing again gives the same customers
        drawn = participants.partner_id
        participants.unlink()
        campaign.action_select_participants()
        self.assertEqual(campaign.participant_ids.partner_id, drawn)
        # drawing twice adds nobody
        campaign.action_select_participants()
        self.assertEqual(len(campaign.participant_ids), len(drawn))
        with self.assertRaises(ValidationError):
            campaign.sample_ratio = 1.5
        with self.assertRaises(ValidationError):
            campaign.census_class = "x"

    def test_customer_sees_its_pending_survey_on_the_portal(self):
        campaign = self._campaign(tier_ids=[(6, 0, self.platinum.ids)])
        campaign.action_launch()
        participant = campaign.participant_ids.filtered(
            lambda p: p.partner_id == self.with_contact
        )
        portal = new_test_user(
            self.env,
            login="survey_portal",
            groups="base.group_portal",
            partner_id=self.buyer.id,
        )
        self.authenticate(portal.login, portal.login)
        link = f"/my/vip/survey/{participant.id}"
        page = self.url_open("/my/vip").text
        self.assertIn(link, page)
        # the link opens the invitation's answer for the logged-in contact
        response = self.url_open(link, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        answer = participant.user_input_id
        self.assertIn(
            f"answer_token={answer.access_token}", response.headers["Location"]
        )
        # a colleague of the same customer logged in answers it in its turn: the
        # invitation is addressed to whoever opens it, so the survey lets them in
        colleague = new_test_user(
            self.env,
            login="survey_colleague",
            groups="base.group_portal",
            email="colleague@contact-holdings.example.com",
        )
        colleague.partner_id.parent_id = self.with_contact
        self.authenticate(colleague.login, colleague.login)
        response = self.url_open(link)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(answer.partner_id, colleague.partner_id)
        self.assertEqual(participant.contact_id, colleague.partner_id)
        self.assertNotIn("Survey Access Error", response.text)
        # the survey's start screen with the invitation's answer, not an error
        self.assertIn(f'data-answer-token="{answer.access_token}"', response.text)
        # another customer's portal user gets nothing
        stranger = new_test_user(
            self.env, login="survey_stranger", groups="base.group_portal"
        )
        self.authenticate(stranger.login, stranger.login)
        self.assertEqual(self.url_open(link, allow_redirects=False).status_code, 404)
        answer.sudo()._mark_done()
        self.authenticate(portal.login, portal.login)
        page = self.url_open("/my/vip").text
        self.assertNotIn(link, page)

    def test_launch_invites_through_the_survey(self):
        campaign = self._campaign(tier_ids=[(6, 0, self.platinum.ids)])
        campaign.action_launch()
        self.assertEqual(campaign.state, "running")
        invited = campaign.participant_ids.filtered(lambda p: p.state == "invited")
        self.assertEqual(len(invited), 5)  # 4 class A + the contact person
        for participant in invited:
            answer = participant.user_input_id
            self.assertTrue(answer.access_token)
            self.assertEqual(answer.survey_id, self.survey)
            self.assertEqual(answer.partner_id, participant.contact_id)
        mails = self.env["mail.mail"].search(
            [("recipient_ids", "in", invited.contact_id.ids)]
        )
        self.assertEqual(len(mails), 5)
        bodies = "".join(mails.mapped("body_html"))
        for participant in invited:
            self.assertIn(
                f"answer_token={participant.user_input_id.access_token}", bodies
            )
        with self.assertRaises(UserError):
            campaign.action_launch()

    def test_a_vip_user_cannot_launch(self):
        campaign = self._campaign(tier_ids=[(6, 0, self.platinum.ids)])
        with self.assertRaises(UserError):
            campaign.with_user(self.user_vip).write({"state": "running"})
        with self.assertRaises(Exception):  # noqa: B017 - AccessError
            campaign.with_user(self.user_vip).action_launch()
        self.assertEqual(campaign.state, "draft")

    # ------------------------------------------------------------------
    # answers, NPS, follow-ups, thanks
    # ------------------------------------------------------------------

    def test_nps_followups_and_thanks(self):
        # a previous campaign to compare with
        previous = self._campaign(
            name="Autumn survey",
            tier_ids=[(6, 0, self.gold.ids)],
            census_class="abc",
            date_start=date(2026, 1, 5),
        )
        previous.action_launch()
        for participant in previous.participant_ids[:2]:
            self._answer(participant, 3)
        self.assertEqual(previous.nps, -100.0)

        six = self.class_a | self.class_c[:2]
        campaign = self._campaign(census_class="ac", pareto_classes="ac")
        campaign.participant_ids = [(0, 0, {"partner_id": p.id}) for p in six]
        campaign.action_launch()
        self.assertEqual(len(campaign.participant_ids), 6)
        self.assertEqual(campaign.previous_campaign_id, previous)
        participants = campaign.participant_ids.sorted("id")
        scores = [10, 9, 9, 8, 3, 6]
        for participant, score in zip(participants, scores, strict=True):
            self._answer(participant, score, satisfaction=5 if score > 8 else 2)
        self.assertEqual(set(participants.mapped("state")), {"answered"})
        self.assertEqual(participants.mapped("nps_score"), scores)
        self.assertEqual(
            participants.mapped("category"),
            ["promoter"] * 3 + ["passive"] + ["detractor"] * 2,
        )
        # 3 promoters, 1 passive, 2 detractors: 50% - 33.3% = 16.7
        self.assertEqual(campaign.nps, 16.7)
        self.assertEqual(campaign.response_rate, 100.0)
        self.assertEqual(campaign.csat, 50.0)
        self.assertAlmostEqual(campaign.nps_delta, 116.7)
        self.assertEqual(self.class_c[0].vip_last_nps, 3)
        self.assertEqual(self.class_c[0].vip_last_nps_category, "detractor")
        self.assertTrue(self.class_c[0].vip_last_nps_date)
        # the pivot measure averaged over respondents is the NPS too
        [(points,)] = self.env["vip.survey.participant"]._read_group(
            [("campaign_id", "=", campaign.id), ("state", "=", "answered")],
            [],
            ["nps_points:avg"],
        )
        self.assertAlmostEqual(points, 16.7, places=1)
        # a second answer through the route is refused
        response = self.url_open(
            f"{self.survey.get_base_url()}/survey/submit/{self.survey.access_token}/"
            f"{participants[0].user_input_id.access_token}",
            json={"params": {str(self.q_recommend.id): "0"}},
        )
        self.assertIn("error", response.json()["result"][1])

        # follow-ups: detractors answered on a Friday are due on Tuesday
        detractors = participants[4:]
        detractors.sudo().write({"answered_on": datetime(2026, 3, 6, 9, 0)})
        cron = self.env.ref("partner_vip_care.ir_cron_vip_survey_followups")
        # an HttpCase already runs the registry in test mode: the scheduler's
        # path (method_direct_trigger, progress commits) runs as is
        cron.method_direct_trigger()
        participants.invalidate_recordset()
        activities = participants.followup_activity_id
        self.assertEqual(len(activities), 5)
        followup_type = self.env.ref(
            "partner_vip_care.mail_activity_type_vip_survey_followup"
        )
        referral_type = self.env.ref("partner_vip_care.mail_activity_type_vip_referral")
        for participant in detractors:
            activity = participant.followup_activity_id
            self.assertEqual(activity.activity_type_id, followup_type)
            self.assertEqual(activity.user_id, self.user_vip)
            self.assertEqual(activity.res_id, participant.partner_id.id)
            self.assertEqual(activity.date_deadline, date(2026, 3, 10))
        self.assertEqual(
            participants[:3].followup_activity_id.activity_type_id, referral_type
        )
        self.assertFalse(participants[3].followup_activity_id)
        # never twice
        self.env["vip.survey.campaign"]._cron_survey_followups()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", six.ids),
                    ("activity_type_id", "in", (followup_type | referral_type).ids),
                ]
            ),
            5,
        )

        # results and thanks, once
        with self.assertRaises(UserError):
            campaign.action_send_results()  # still running
        campaign.action_close()
        self.assertEqual(campaign.state, "closed")
        with self.assertRaises(UserError):
            campaign.action_send_results()  # nothing to report yet
        suggestion = self.env["vip.suggestion"].create(
            {
                "name": "Saturday deliveries",
                "partner_id": self.class_a[0].id,
                "decision_note": "From April, every Saturday morning.",
            }
        )
        suggestion.action_accept()
        campaign.write(
            {
                "findings": "<p>Deliveries are too slow.</p>",
                "suggestion_ids": [(6, 0, suggestion.ids)],
            }
        )
        campaign.with_user(self.user_manager).action_send_results()
        self.assertEqual(campaign.state, "thanked")
        self.assertTrue(all(participants.mapped("thanked_on")))
        self.assertEqual(campaign.loop_closure_rate, 100.0)
        mails = self.env["mail.mail"].search(
            [
                ("model", "=", "vip.survey.participant"),
                ("res_id", "in", participants.ids),
            ]
        )
        self.assertEqual(len(mails), 6)
        self.assertIn("Saturday deliveries", mails[0].body_html)
        self.assertIn("Deliveries are too slow.", mails[0].body_html)
        campaign.with_user(self.user_manager).action_send_results()
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [
                    ("model", "=", "vip.survey.participant"),
                    ("res_id", "in", participants.ids),
                ]
            ),
            6,
        )

    def test_shipped_survey_speaks_chinese(self):
        expected = {
            "zh_CN": ("VIP 满意度", "您向朋友或同事推荐我们的可能性有多大？"),
            "zh_TW": ("VIP 滿意度", "您向朋友或同事推薦我們的可能性有多大？"),
        }
        for lang in expected:
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(
            ["partner_vip_care"], list(expected), overwrite=True
        )
        for lang, (title, question) in expected.items():
            self.assertEqual(self.survey.with_context(lang=lang).title, title)
            self.assertEqual(self.q_recommend.with_context(lang=lang).title, question)
