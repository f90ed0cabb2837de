"""Query counts of the campaign screens: the form costs the same with 1 participant
as with 50, the list the same with 1 campaign as with 50 (no query per record), and
no more than measured (a regression shows as a failure here)."""

from lxml import etree

from odoo.tests import Form, tagged

from .common import VipCareCommon

# queries of one warm read as a VIP manager, measured on Odoo 19.0 with the
# module's dependencies only; the same for 1 and for 50 records
FORM_QUERIES = 12  # measured at 19.0.1.4.0, with the survey programme fields
LIST_QUERIES = 6


@tagged("post_install", "-at_install", "vip_survey", "vip_performance")
class TestSurveyCampaignQueries(VipCareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gold = cls.env.ref("partner_vip_care.vip_tier_gold")
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Campaign Customer {index}",
                    "is_company": True,
                    "email": f"customer{index}@example.com",
                    "user_id": cls.user_vip.id,
                    "vip_tier_id": cls.gold.id,
                    "vip_pareto_class": "a",
                }
                for index in range(50)
            ]
        )

    def _campaigns(self, count, participants):
        campaigns = self.env["vip.survey.campaign"].create(
            [
                {"name": f"Survey {index}", "tier_ids": [(6, 0, self.gold.ids)]}
                for index in range(count)
            ]
        )
        self.env["vip.survey.participant"].create(
            [
                {"campaign_id": campaign.id, "partner_id": customer.id}
                for campaign in campaigns
                for customer in self.customers[:participants]
            ]
        )
        return campaigns

    def _form_queries(self, campaign):
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        form = Form(campaign.with_user(self.user_manager))
        return self.cr.sql_log_count - start, form

    def _list_spec(self):
        Campaign = self.env["vip.survey.campaign"].with_user(self.user_manager)
        arch = Campaign.get_views([(False, "list")])["views"]["list"]["arch"]
        spec = {}
        for node in etree.fromstring(arch).iter("field"):
            field = Campaign._fields[node.get("name")]
            spec[field.name] = (
                {"fields": {"display_name": {}}} if field.relational else {}
            )
        return spec

    def _list_queries(self, campaigns, spec):
        Campaign = self.env["vip.survey.campaign"].with_user(self.user_manager)
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        result = Campaign.web_search_read([("id", "in", campaigns.ids)], spec)
        return self.cr.sql_log_count - start, result

    def test_campaign_form_costs_the_same_with_1_or_50_participants(self):
        small = self._campaigns(1, 1)
        big = self._campaigns(1, 50)
        for campaign in (small, big):  # warm the view and access caches
            self._form_queries(campaign)
        queries_one, _form = self._form_queries(small)
        queries_fifty, form = self._form_queries(big)
        self.assertEqual(queries_one, queries_fifty)
        self.assertEqual(len(form.participant_ids), 50)
        self.assertEqual(form.participant_count, 50)
        self.env.invalidate_all()
        with self.assertQueryCount(FORM_QUERIES):
            Form(big.with_user(self.user_manager))

    def test_campaign_list_costs_the_same_with_1_or_50_campaigns(self):
        one = self._campaigns(1, 5)
        fifty = self._campaigns(50, 5)
        spec = self._list_spec()
        for campaigns in (one, fifty):  # warm the caches
            self._list_queries(campaigns, spec)
        queries_one, _result = self._list_queries(one, spec)
        queries_fifty, result = self._list_queries(fifty, spec)
        self.assertEqual(queries_one, queries_fifty)
        self.assertEqual(result["length"], 50)
        self.assertEqual({r["participant_count"] for r in result["records"]}, {5})
        self.env.invalidate_all()
        with self.assertQueryCount(LIST_QUERIES):
            self.env["vip.survey.campaign"].with_user(
                self.user_manager
            ).web_search_read([("id", "in", fifty.ids)], spec)
