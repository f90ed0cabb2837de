"""A tour per role in Simplified Chinese (static/tests/tours/vip_zh_role_tours.js):
the salesperson, the service agent, the VIP manager and the portal customer walk
their main pages; a JS error, a failed request or an English word of the module
on a page fails the tour."""

from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "vip_ui", "vip_i18n")
class TestChineseTours(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["res.lang"]._activate_lang("zh_CN")
        # the module's terms, and those of the Odoo pages it sits in (the check
        # is about the module's words, not about a catalogue left unloaded)
        env["ir.module.module"]._load_module_terms(
            ["base", "web", "mail", "calendar", "portal", "partner_vip_care"],
            ["zh_CN"],
            overwrite=True,
        )
        env.company.partner_id.lang = "zh_CN"

        def user(login, name, groups):
            return new_test_user(
                env,
                login=login,
                name=name,
                lang="zh_CN",
                tz="Asia/Shanghai",
                groups=groups,
            )

        cls.salesperson = user(
            "zh_sales", "王芳", "base.group_user,partner_vip_care.group_vip_user"
        )
        cls.agent = user(
            "zh_agent", "李娜", "base.group_user,partner_vip_care.group_vip_user"
        )
        cls.manager = user(
            "zh_manager", "陈静", "base.group_user,partner_vip_care.group_vip_manager"
        )
        gold = env.ref("partner_vip_care.vip_tier_gold")
        cls.customer = env["res.partner"].create(
            {
                "name": "上海明辉贸易",
                "is_company": True,
                "email": "service@minghui.example.com",
                "lang": "zh_CN",
                "tz": "Asia/Shanghai",
                "user_id": cls.salesperson.id,
                "vip_tier_id": gold.id,
            }
        )
        cls.portal = user("zh_portal", "陈伟", "base.group_portal")
        cls.portal.partner_id.parent_id = cls.customer
        colleague = env["res.partner"].create(
            {
                "name": "刘洋",
                "parent_id": cls.customer.id,
                "email": "liu.yang@minghui.example.com",
                "lang": "zh_CN",
            }
        )
        Complaint = env["vip.complaint"]
        Complaint.create(
            {
                "subject": "包装破损",
                "partner_id": cls.portal.partner_id.id,
                "user_id": cls.agent.id,
            }
        )
        Complaint.create(
            {
                "subject": "交货延迟",
                "partner_id": cls.customer.id,
                "user_id": cls.salesperson.id,
            }
        )
        resolved = Complaint.create(
            {
                "subject": "漏水",
                "partner_id": cls.portal.partner_id.id,
                "user_id": cls.salesperson.id,
            }
        )
        resolved.action_resolve(resolution="<p>已更换</p>")
        promise = (
            env["vip.promise"]
            .with_user(cls.salesperson)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "promise_type": "delivery",
                    "description": "免费加急配送，直至问题彻底解决",
                    "value": 100.0,
                    "deadline": fields.Date.today() + timedelta(days=10),
                }
            )
        )
        promise.action_submit()
        start = datetime.now() + timedelta(days=7)
        meeting = env["vip.meeting"].create(
            {
                "name": "季度质量会议",
                "start": start,
                "stop": start + timedelta(hours=2),
                "user_id": cls.manager.id,
                "attendee_ids": [Command.create({"partner_id": colleague.id})],
            }
        )
        meeting.action_plan()
        env["vip.survey.campaign"].create(
            {"name": "2026 年满意度调查", "tier_ids": [Command.set(gold.ids)]}
        )

    def test_salesperson(self):
        self.start_tour(
            "/odoo/action-partner_vip_care.vip_visit_plan_action",
            "partner_vip_care_zh_salesperson",
            login="zh_sales",
        )

    def test_service_agent(self):
        self.start_tour(
            "/odoo/action-partner_vip_care.vip_complaint_action",
            "partner_vip_care_zh_agent",
            login="zh_agent",
        )

    def test_manager(self):
        self.start_tour(
            "/odoo/action-partner_vip_care.vip_review_report_action",
            "partner_vip_care_zh_manager",
            login="zh_manager",
        )

    def test_portal_customer(self):
        self.start_tour("/my", "partner_vip_care_zh_portal", login="zh_portal")
