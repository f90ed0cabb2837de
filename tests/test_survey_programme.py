"""The survey programme: a recurring campaign opens and launches the next one on
its date, once, whatever how often the job runs; interviews on the phone or
during a visit are answers like the others; the published results ("you said,
we did") reach the customers who took part, and only them."""

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import VipCareCommon


@tagged("post_install", "-at_install", "vip_survey")
class TestSurveyProgramme(VipCareCommon, HttpCase):
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
        cls.platinum = env.ref("partner_vip_care.vip_tier_platinum")
        Partner = env["res.partner"]
        cls.customer_a, cls.customer_b = Partner.create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "email": f"{name.split()[0].lower()}@example.com",
                    "user_id": cls.user_vip.id,
                    "vip_tier_id": cls.platinum.id,
                    "vip_pareto_class": "a",
                }
                for name in ("Jade Tea House", "Lotus Logistics")
            ]
        )
        cls.offline = Partner.create(
            {
                "name": "Offline Trading",
                "is_company": True,
                "user_id": cls.user_vip.id,
                "vip_tier_id": cls.platinum.id,
                "vip_pareto_class": "a",
            }
        )

    def _campaign(self, **vals):
        return (
            self.env["vip.survey.campaign"]
            .with_user(self.user_manager)
            .create(
                {
                    "name": "Monthly pulse",
                    "tier_ids": [Command.set(self.platinum.ids)],
                    "pareto_classes": "a",
                    "census_class": "a",
                    **vals,
                }
            )
        )

    def _programme(self, campaign):
        """The campaigns of the programme started by ``campaign``, in order."""
        chain = campaign
        while chain[-1:].programme_next_id:
            chain |= chain[-1].programme_next_id
        return chain

    # ------------------------------------------------------------------
    # recurrence
    # ------------------------------------------------------------------

    def test_recurring_campaign_opens_the_next_once(self):
        with freeze_time("2026-01-05"):
            campaign = self._campaign(
                recurrence="monthly",
                date_start=date(2026, 1, 5),
                date_end=date(2026, 1, 20),
            )
            campaign.action_launch()
        self.assertEqual(campaign.next_date, date(2026, 2, 5))
        Campaign = self.env["vip.survey.campaign"]
        with freeze_time("2026-02-04"):
            Campaign._cron_survey_programme()
        self.assertFalse(campaign.programme_next_id, "not before its date")
        with freeze_time("2026-02-05 06:00"):
            Campaign._cron_survey_programme()
            Campaign._cron_survey_programme()
        following = campaign.programme_next_id
        self.assertEqual(len(campaign.programme_next_ids), 1)
        self.assertEqual(following.state, "running")
        self.assertEqual(following.date_start, date(2026, 2, 5))
        self.assertEqual(following.date_end, date(2026, 2, 20))
        self.assertEqual(following.recurrence, "monthly")
        self.assertEqual(following.programme_previous_id, campaign)
        self.assertEqual(
            following.participant_ids.partner_id,
            self.customer_a | self.customer_b | self.offline,
        )
        self.assertEqual(
            following.participant_ids.filtered(
                lambda p: p.state == "invited"
            ).partner_id,
            self.customer_a | self.customer_b,
        )
        # the link is the server's, unique: a second next campaign is refused
        with self.assertRaises(UserError):
            campaign.with_user(self.user_manager).write(
                {"programme_previous_id": campaign.id}
            )

    def test_late_run_gives_what_runs_on_time_give(self):
        """Run daily or once two months late: the same campaigns, once each."""
        starts = {}
        for label, run_days in (
            ("daily", [date(2026, 2, 10), date(2026, 3, 10), date(2026, 3, 20)]),
            ("late", [date(2026, 3, 20), date(2026, 3, 20)]),
        ):
            with freeze_time("2026-01-10"):
                first = self._campaign(
                    name=f"Pulse {label}",
                    recurrence="monthly",
                    date_start=date(2026, 1, 10),
                )
                first.action_launch()
            for day in run_days:
                with freeze_time(day):
                    self.env["vip.survey.campaign"]._cron_survey_programme()
            programme = self._programme(first)
            starts[label] = [(c.date_start, c.state) for c in programme]
        self.assertEqual(starts["daily"], starts["late"])
        self.assertEqual(
            [start for start, _state in starts["late"]],
            [date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 10)],
        )

    def test_programme_stops_when_recurrence_removed(self):
        with freeze_time("2026-01-05"):
            campaign = self._campaign(
                recurrence="quarterly", date_start=date(2026, 1, 5)
            )
            campaign.action_launch()
        self.assertEqual(campaign.next_date, date(2026, 1, 5) + relativedelta(months=3))
        campaign.recurrence = "none"
        with freeze_time("2026-06-01"):
            self.env["vip.survey.campaign"]._cron_survey_programme()
        self.assertFalse(campaign.programme_next_id)

    # ------------------------------------------------------------------
    # interviews
    # ------------------------------------------------------------------

    def _fill(self, url, score, satisfaction):
        """Fill the survey page opened by the interview, as the staff member."""
        response = self.url_open(url, allow_redirects=True)
        self.assertEqual(response.status_code, 200)
        survey_token, answer_token = (
            self.survey.access_token,
            url.split("answer_token=")[1],
        )
        base = self.survey.get_base_url()
        response = self.url_open(
            f"{base}/survey/begin/{survey_token}/{answer_token}",
            json={"params": {"lang_code": "en_US"}},
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("error", response.json().get("result", {}))
        response = self.url_open(
            f"{base}/survey/submit/{survey_token}/{answer_token}",
            json={
                "params": {
                    str(self.q_recommend.id): str(score),
                    str(self.q_satisfaction.id): str(satisfaction),
                    str(self.q_restaurant.id): "Faster deliveries",
                    "token": answer_token,
                }
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("error", response.json().get("result", [{}, {}])[1])

    def test_interview_is_counted_like_an_answer(self):
        campaign = self._campaign()
        campaign.action_launch()
        offline = campaign.participant_ids.filtered(
            lambda p: p.partner_id == self.offline
        )
        self.assertEqual(offline.state, "no_email")
        # the account manager calls the customer without e-mail
        action = offline.with_user(self.user_vip).action_record_interview()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(offline.mode, "phone")
        self.assertEqual(offline.interviewer_id, self.user_vip)
        self.authenticate(self.user_vip.login, self.user_vip.login)
        self._fill(action["url"], score=10, satisfaction=5)
        offline.invalidate_recordset()
        campaign.invalidate_recordset()
        self.assertEqual(offline.state, "answered")
        self.assertEqual(offline.nps_score, 10)
        self.assertEqual(offline.category, "promoter")
        self.assertEqual(campaign.answered_count, 1)
        self.assertEqual(campaign.nps, 100.0)
        self.assertEqual(campaign.csat, 100.0)
        self.assertEqual(self.offline.vip_last_nps, 10)
        # how it answered is a fact once answered
        with self.assertRaises(UserError):
            offline.with_user(self.user_manager).write({"mode": "email"})
        # a visit planned by the manager: the interview takes the mode set
        visit = campaign.participant_ids.filtered(
            lambda p: p.partner_id == self.customer_b
        )
        visit.with_user(self.user_manager).write({"mode": "visit"})
        visit.with_user(self.user_vip).action_record_interview()
        self.assertEqual(visit.mode, "visit")
        # an invited customer met during a visit: its own invitation is used
        invited = campaign.participant_ids.filtered(
            lambda p: p.partner_id == self.customer_a
        )
        answer = invited.user_input_id
        action = invited.with_user(self.user_vip).action_record_visit_interview()
        self.assertEqual(invited.mode, "visit")
        self.assertEqual(invited.user_input_id, answer)
        self._fill(action["url"], score=3, satisfaction=2)
        campaign.invalidate_recordset()
        self.assertEqual(campaign.answered_count, 2)
        self.assertEqual(campaign.nps, 0.0)
        self.assertEqual(campaign.detractor_count, 1)

    def test_interview_refused_outside_a_running_campaign(self):
        campaign = self._campaign()
        campaign.action_select_participants()
        participant = campaign.participant_ids[:1]
        with self.assertRaises(UserError):
            participant.with_user(self.user_vip).action_record_interview()
        campaign.action_launch()
        campaign.action_close()
        with self.assertRaises(UserError):
            participant.with_user(self.user_vip).action_record_interview()
        # someone else's customer: no access at all
        other = new_test_user(
            self.env,
            login="other_agent",
            groups="base.group_user,partner_vip_care.group_vip_user",
        )
        with self.assertRaises(Exception):  # noqa: B017 - AccessError or UserError
            participant.with_user(other).action_record_interview()
        self.assertEqual(participant.mode, "email")

    # ------------------------------------------------------------------
    # you said, we did
    # ------------------------------------------------------------------

    def test_results_page_shows_own_closed_campaigns(self):
        campaign = self._campaign(name="Spring pulse 2026")
        campaign.action_launch()
        suggestion = self.env["vip.suggestion"].create(
            {"name": "Bilingual invoices", "partner_id": self.customer_b.id}
        )
        suggestion.sudo().write(
            {"state": "accepted", "decision_note": "From the next invoice on."}
        )
        campaign.write(
            {
                "findings": "<p>Deliveries are too slow in the south.</p>",
                "suggestion_ids": [Command.set(suggestion.ids)],
            }
        )
        running = self._campaign(name="Summer pulse 2026")
        running.action_launch()
        answered = campaign.participant_ids.filtered(
            lambda p: p.partner_id == self.customer_a
        )
        # sudo: the answers as the survey records them
        answered.sudo().write(
            {"state": "answered", "nps_score": 9, "answered_on": datetime.now()}
        )
        running.participant_ids.filtered(
            lambda p: p.partner_id == self.customer_a
        ).sudo().write(
            {"state": "answered", "nps_score": 8, "answered_on": datetime.now()}
        )
        campaign.action_close()
        portal_a = new_test_user(
            self.env, login="jade_portal", groups="base.group_portal"
        )
        portal_a.partner_id.parent_id = self.customer_a
        portal_b = new_test_user(
            self.env, login="lotus_portal", groups="base.group_portal"
        )
        portal_b.partner_id.parent_id = self.customer_b

        self.authenticate("jade_portal", "jade_portal")
        page = self.url_open("/my/vip/results")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Spring pulse 2026", page.text)
        self.assertIn("Deliveries are too slow in the south.", page.text)
        self.assertIn("Bilingual invoices", page.text)
        self.assertNotIn("Summer pulse 2026", page.text, "still running")
        home = self.url_open("/my/vip")
        self.assertIn("/my/vip/results", home.text)

        # invited but never answered: nothing published to it
        self.authenticate("lotus_portal", "lotus_portal")
        page = self.url_open("/my/vip/results")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Spring pulse 2026", page.text)
        self.assertNotIn("Deliveries are too slow", page.text)
        # bad input on the pager gets a page, never a 500
        self.assertEqual(self.url_open("/my/vip/results/page/0").status_code, 200)
        self.assertEqual(self.url_open("/my/vip/results?page=%00x").status_code, 200)
