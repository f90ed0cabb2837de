from datetime import datetime

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


class VipCareCommon(TransactionCase):
    """Role users shared by the module's tests: one per VIP Care group, plus an
    internal user outside the VIP groups (sales, accounting)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.user_vip = new_test_user(
            cls.env,
            login="vip_user",
            name="Vera Salesperson",
            groups="base.group_user,partner_vip_care.group_vip_user",
        )
        cls.user_vip_2 = new_test_user(
            cls.env,
            login="vip_user_2",
            name="Victor Salesperson",
            groups="base.group_user,partner_vip_care.group_vip_user",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="vip_manager",
            name="Mona Manager",
            groups="base.group_user,partner_vip_care.group_vip_manager",
        )
        cls.user_admin = new_test_user(
            cls.env,
            login="vip_admin",
            name="Adam Administrator",
            groups="base.group_user,partner_vip_care.group_vip_admin,"
            "base.group_partner_manager",
        )
        cls.user_internal = new_test_user(
            cls.env,
            login="plain_internal",
            name="Ian Internal",
            groups="base.group_user,base.group_partner_manager",
        )


class VipMeetingCommon(VipCareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier_silver = cls.env.ref("partner_vip_care.vip_tier_silver")
        cls.tier_gold = cls.env.ref("partner_vip_care.vip_tier_gold")
        cls.tier_platinum = cls.env.ref("partner_vip_care.vip_tier_platinum")
        Partner = cls.env["res.partner"]
        cls.customer_a = Partner.create(
            {
                "name": "Alpha Foods",
                "is_company": True,
                "email": "contact@alpha.example.com",
                "user_id": cls.user_vip.id,
                "vip_tier_id": cls.tier_gold.id,
            }
        )
        cls.customer_b = Partner.create(
            {
                "name": "Beta Metals",
                "is_company": True,
                "email": "hello@beta.example.com",
                "user_id": cls.user_vip_2.id,
                "vip_tier_id": cls.tier_platinum.id,
            }
        )
        cls.contact_b = Partner.create(
            {
                "name": "Bella Buyer",
                "parent_id": cls.customer_b.id,
                "email": "bella@beta.example.com",
            }
        )
        cls.meeting = cls.env["vip.meeting"].create(
            {
                "name": "Quality meeting Q1",
                "meeting_type": "quality",
                "start": datetime(2030, 3, 10, 9, 0),
                "stop": datetime(2030, 3, 10, 11, 0),
                "location": "Head office",
                "user_id": cls.user_manager.id,
                "internal_user_ids": [Command.set(cls.user_vip.ids)],
                "attendee_ids": [
                    Command.create({"partner_id": cls.customer_a.id}),
                    Command.create({"partner_id": cls.contact_b.id}),
                ],
            }
        )

    def invitation(self, meeting, partner):
        return meeting.calendar_event_id.attendee_ids.filtered(
            lambda a: a.partner_id == partner
        )

    def attendee(self, meeting, partner):
        return meeting.attendee_ids.filtered(lambda a: a.partner_id == partner)


class VipComplaintCommon(VipCareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Complaint = cls.env["vip.complaint"]
        # Mon-Fri 8-12 and 13-17, in UTC so that the arithmetic reads plainly
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Service desk hours",
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{day} {start}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": start + 4,
                            "day_period": "morning" if start < 12 else "afternoon",
                        }
                    )
                    for day in range(5)
                    for start in (8, 13)
                ],
            }
        )
        cls.company.write(
            {
                "vip_sla_calendar_id": cls.calendar.id,
                "vip_default_response_hours": 8,
                "vip_default_resolution_hours": 40,
                "vip_at_risk_ratio": 0.75,
                "vip_escalation_user_id": False,
                "country_id": cls.env.ref("base.be").id,
            }
        )
        cls.tier_gold = cls.env.ref("partner_vip_care.vip_tier_gold")
        cls.tier_gold.write({"response_hours": 4, "resolution_hours": 16})
        cls.tier_silver = cls.env.ref("partner_vip_care.vip_tier_silver")
        cls.tier_silver.write({"response_hours": 8, "resolution_hours": 40})
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Golden Lotus Trading",
                "is_company": True,
                "email": "service@golden-lotus.example.com",
                "phone": "+32 470 12 34 56",
                "user_id": cls.user_vip.id,
                "vip_tier_id": cls.tier_gold.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Lin Mei",
                "parent_id": cls.customer.id,
                "email": "lin.mei@golden-lotus.example.com",
            }
        )
        cls.customer_plain = cls.env["res.partner"].create(
            {"name": "Harbour Street Bakery", "email": "hello@bakery.example.com"}
        )
        cls.category_delivery = cls.env.ref(
            "partner_vip_care.vip_complaint_category_delivery"
        )
        cls.category_billing = cls.env.ref(
            "partner_vip_care.vip_complaint_category_billing"
        )
        cls.escalation_user = cls.user_admin

    def _complaint(self, **vals):
        values = {"subject": "Late delivery", "partner_id": self.customer.id}
        values.update(vals)
        return self.Complaint.create(values)

    def _activities(self, complaint, xmlid):
        return complaint.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(xmlid)
        )
