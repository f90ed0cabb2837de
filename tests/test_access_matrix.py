"""Access matrix: every stored model of the module × operation × role, from ONE
table. A model of the module missing from the table fails the test, so a new
model cannot be forgotten: add one line to ``MATRIX`` (and, if no record of it
exists after the shared setUp, a ``_sample_<model>`` method)."""

from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import VipCareCommon

MODULE = "partner_vip_care"
OPERATIONS = ("read", "create", "write", "unlink")

# Roles, one letter each:
#   P portal user of the customer       Q portal user of another customer
#   U VIP User (the customer's salesperson)   O VIP User of another company
#   M VIP Manager    A VIP Administrator    I plain internal user (no VIP group)
ROLES = "PQUOMAI"
INTERNAL = "UMAI"

# model: (read, create, write, unlink) -> the roles allowed, on a sample record
# of the main company for the customer whose salesperson is U.
MATRIX = {
    "vip.tier": ("PQUMAI", "A", "A", "A"),
    "vip.tier.history": (INTERNAL, "", "", ""),
    "vip.promise": ("UMA", "UMA", "UMA", "UMA"),
    "vip.visit": ("UMA", "UMA", "UMA", "UMA"),
    "vip.meeting": ("UMA", "UMA", "UMA", "UMA"),
    "vip.meeting.attendee": ("UMA", "UMA", "UMA", "UMA"),
    "vip.suggestion": ("UMA", "UMA", "UMA", "UMA"),
    "vip.complaint.category": ("PQUMAI", "A", "A", "A"),
    "vip.sla.policy": ("UMA", "A", "A", "A"),
    "vip.complaint": ("PUMA", "UMA", "UMA", "UMA"),
    "vip.sla.milestone": ("UMA", "", "", ""),
    "vip.complaint.team": ("UMA", "MA", "MA", "MA"),
    "vip.survey.campaign": ("UMA", "MA", "MA", "MA"),
    "vip.survey.participant": ("UMA", "MA", "MA", "MA"),
    "vip.monthly.digest": ("MA", "", "", ""),
    "vip.holiday.year": (INTERNAL, "A", "A", "A"),
    "resource.calendar.workday": (INTERNAL, "A", "A", "A"),
    "vip.health.history": ("UMA", "", "", ""),
    "vip.benefit": ("UMAI", "A", "A", "A"),
    "vip.tier.benefit": ("UMAI", "A", "A", "A"),
    # a use is never deleted: the right lets the ledger's own refusal answer
    "vip.benefit.usage": ("UMA", "UMA", "UMA", "UMA"),
    "vip.care.occasion": ("UMA", "UMA", "UMA", "UMA"),
    "vip.care.reminder": ("UMA", "", "", ""),
    "vip.account.plan": ("UMA", "UMA", "UMA", "UMA"),
    "vip.account.plan.line": ("UMA", "UMA", "UMA", "UMA"),
    "vip.loyalty.reward": ("UMA", "", "", ""),
    # the log of standard answers sent: every employee reads the counts, nobody
    # writes it but the server (other companies' employees too: templates are shared)
    "vip.template.use": ("UOMAI", "", "", ""),
    "vip.promise.number": ("A", "", "", ""),
}


def module_models(registry):
    """Stored models defined by the module (no SQL views, no wizards)."""
    return sorted(
        name
        for name, model in registry.items()
        if model._original_module == MODULE
        and not model._abstract
        and not model._transient
        and model._auto
    )


@tagged("post_install", "-at_install", "vip_security")
class TestAccessMatrix(VipCareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Partner = env["res.partner"]
        cls.other_company = env["res.company"].create({"name": "Other Company Ltd"})
        cls.customer = Partner.create(
            {
                "name": "Matrix Customer",
                "is_company": True,
                "email": "buyer@matrix.example.com",
                "user_id": cls.user_vip.id,
            }
        )
        cls.other_customer = Partner.create(
            {"name": "Other Customer", "is_company": True, "user_id": cls.user_vip_2.id}
        )
        cls.user_portal = new_test_user(
            env, login="matrix_portal", groups="base.group_portal"
        )
        cls.user_portal.partner_id.parent_id = cls.customer
        cls.user_portal_other = new_test_user(
            env, login="matrix_portal_other", groups="base.group_portal"
        )
        cls.user_portal_other.partner_id.parent_id = cls.other_customer
        cls.user_other_company = new_test_user(
            env,
            login="matrix_other_company",
            groups="base.group_user,partner_vip_care.group_vip_user",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
        )
        cls.roles = {
            "P": cls.user_portal,
            "Q": cls.user_portal_other,
            "U": cls.user_vip,
            "O": cls.user_other_company,
            "M": cls.user_manager,
            "A": cls.user_admin,
            "I": cls.user_internal,
        }

    # sample records, one per model: ``_sample_<model with _>``

    def _sample_vip_tier(self):
        return self.env.ref("partner_vip_care.vip_tier_gold")

    def _sample_vip_tier_history(self):
        return self.env["vip.tier.history"].create(
            {"partner_id": self.customer.id, "reason": "manual"}
        )

    def _sample_vip_promise(self):
        return self.env["vip.promise"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.user_vip.id,
                "description": "Free training",
                "value": 10,
                "deadline": datetime.now().date() + timedelta(days=10),
            }
        )

    def _sample_vip_visit(self):
        return self.env["vip.visit"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.user_vip.id,
                "summary": "Quarterly review",
            }
        )

    def _sample_vip_meeting(self):
        return self.env["vip.meeting"].create(
            {
                "name": "Quality meeting",
                "start": datetime.now() + timedelta(days=3),
                "stop": datetime.now() + timedelta(days=3, hours=2),
                "user_id": self.user_vip.id,
                "attendee_ids": [Command.create({"partner_id": self.customer.id})],
            }
        )

    def _sample_vip_meeting_attendee(self):
        return self._sample_vip_meeting().attendee_ids

    def _sample_vip_suggestion(self):
        return self.env["vip.suggestion"].create(
            {
                "name": "Bilingual invoices",
                "partner_id": self.customer.id,
                "user_id": self.user_vip.id,
            }
        )

    def _sample_vip_complaint_category(self):
        return self.env["vip.complaint.category"].create(
            {"name": "Matrix category", "company_id": self.company.id}
        )

    def _sample_vip_sla_policy(self):
        return self.env["vip.sla.policy"].create(
            {
                "name": "Matrix policy",
                "company_id": self.company.id,
                "response_hours": 4,
                "resolution_hours": 16,
            }
        )

    def _sample_vip_complaint(self):
        return self.env["vip.complaint"].create(
            {
                "subject": "Wrong parts",
                "partner_id": self.customer.id,
                "user_id": self.user_vip.id,
            }
        )

    def _sample_vip_complaint_team(self):
        return self.env["vip.complaint.team"].create(
            {"name": "Matrix team", "company_id": self.company.id}
        )

    def _sample_vip_template_use(self):
        template = self.env["mail.template"].search([], limit=1)
        return self.env["vip.template.use"]._vip_record({template.id: 1})

    def _sample_vip_promise_number(self):
        self._sample_vip_promise()
        return self.env["vip.promise.number"].search([], limit=1)

    def _sample_vip_sla_milestone(self):
        return self._sample_vip_complaint().sla_milestone_ids

    def _sample_vip_survey_campaign(self):
        return self.env["vip.survey.campaign"].create({"name": "Matrix survey"})

    def _sample_vip_survey_participant(self):
        return self.env["vip.survey.participant"].create(
            {
                "campaign_id": self._sample_vip_survey_campaign().id,
                "partner_id": self.customer.id,
            }
        )

    def _sample_vip_monthly_digest(self):
        return self.env["vip.monthly.digest"].create(
            {
                "company_id": self.company.id,
                "user_id": self.user_manager.id,
                "month": "2026-01-01",
            }
        )

    def _sample_calendar(self):
        return self.env["resource.calendar"].create(
            {"name": "Shanghai office", "company_id": self.company.id}
        )

    def _sample_vip_holiday_year(self):
        return self.env["vip.holiday.year"].create(
            {
                "calendar_id": self._sample_calendar().id,
                "country_code": "CN",
                "year": 2026,
            }
        )

    def _sample_resource_calendar_workday(self):
        return self.env["resource.calendar.workday"].create(
            {
                "calendar_id": self._sample_calendar().id,
                "date": "2026-02-14",
                "dayofweek_template": "4",
            }
        )

    def _sample_vip_health_history(self):
        return self.env["vip.health.history"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "month": "2026-01-01",
                "score": 80,
                "stage": "active",
            }
        )

    def _sample_vip_loyalty_reward(self):
        program = self.env["loyalty.program"].create(
            {"name": "Welcome coupons", "program_type": "coupons"}
        )
        return self.env["vip.loyalty.reward"].create(
            {
                "kind": "welcome",
                "date": "2026-01-01",
                "company_id": self.company.id,
                "partner_id": self.customer.id,
                "year": 2026,
                "program_id": program.id,
            }
        )

    def _sample_vip_benefit(self):
        return self.env["vip.benefit"].create(
            {"name": "Matrix training", "company_id": self.company.id}
        )

    def _sample_vip_tier_benefit(self):
        return self.env["vip.tier.benefit"].create(
            {
                "tier_id": self._sample_vip_tier().id,
                "benefit_id": self._sample_vip_benefit().id,
            }
        )

    def _sample_vip_benefit_usage(self):
        return self.env["vip.benefit.usage"].create(
            {
                "partner_id": self.customer.id,
                "benefit_id": self._sample_vip_benefit().id,
                "user_id": self.user_vip.id,
            }
        )

    def _sample_vip_care_occasion(self):
        return self.env["vip.care.occasion"].create(
            {"partner_id": self.customer.id, "festival": "mid_autumn"}
        )

    def _sample_vip_care_reminder(self):
        return self.env["vip.care.reminder"].create(
            {
                "occasion_id": self._sample_vip_care_occasion().id,
                "year": 2026,
                "date": "2026-09-25",
                "user_id": self.user_vip.id,
            }
        )

    def _sample_vip_account_plan(self):
        return self.env["vip.account.plan"].create(
            {
                "name": "Matrix plan",
                "partner_id": self.customer.id,
                "user_id": self.user_vip.id,
                "line_ids": [Command.create({"kpi": "visits", "target": 3})],
            }
        )

    def _sample_vip_account_plan_line(self):
        return self._sample_vip_account_plan().line_ids

    def _sample(self, model):
        factory = getattr(self, "_sample_" + model.replace(".", "_"), None)
        if factory:
            return factory()
        # a model without factory: any record of the main company
        Model = self.env[model].with_context(active_test=False)
        domain = [("company_id", "=", self.company.id)] if "company_id" in Model else []
        return Model.search(domain, limit=1)

    def _allowed(self, record, user, operation):
        as_user = record.with_user(user)
        allowed = as_user.has_access(operation)
        if operation == "read":
            try:
                found = as_user.search([("id", "=", record.id)])
            except AccessError:
                found = as_user.browse()
            self.assertEqual(
                bool(found),
                allowed,
                f"{record._name}: search visibility differs from read access "
                f"for {user.login}",
            )
        return allowed

    def test_every_model_is_in_the_table(self):
        missing = set(module_models(self.registry)) - set(MATRIX)
        self.assertFalse(missing, f"add these models to MATRIX: {sorted(missing)}")
        unknown = set(MATRIX) - set(module_models(self.registry))
        self.assertFalse(unknown, f"MATRIX names unknown models: {sorted(unknown)}")
        for model, row in MATRIX.items():
            self.assertEqual(len(row), len(OPERATIONS), model)
            self.assertLessEqual(set("".join(row)), set(ROLES), model)

    def test_access_matrix(self):
        checked = 0
        for model in module_models(self.registry):
            if model not in MATRIX:
                continue  # reported by test_every_model_is_in_the_table
            record = self._sample(model)
            self.assertTrue(record, f"{model}: add a _sample_ method")
            record = record[:1]
            for operation, allowed_roles in zip(OPERATIONS, MATRIX[model], strict=True):
                for role in ROLES:
                    user = self.roles[role]
                    with self.subTest(model=model, operation=operation, role=role):
                        self.assertEqual(
                            self._allowed(record, user, operation),
                            role in allowed_roles,
                            f"{model} {operation} by {role} ({user.login})",
                        )
                    checked += 1
        self.assertEqual(checked, len(MATRIX) * len(OPERATIONS) * len(ROLES))
