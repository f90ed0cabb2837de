"""Generated: no context key steers what a public method of the module does.

Every public method that the module defines on any model (its own models, its
wizards and the models it extends) is called over real JSON-RPC, as a VIP User
and as a VIP Administrator, once without context keys and once with every key
the module reads anywhere (found by scanning its source, so a key added later is
tried too). Each call runs in a savepoint rolled back afterwards, so both calls
start from the same state. The call with the keys must give the same result and
leave the record as the plain call does, or be refused.

Not forged: ``lang`` and ``tz`` change the language and the time zone of the text
returned (tried on their own: what they decide must not change), and
``default_*`` keys, Odoo's protocol for the values a client proposes at creation,
which the workflow guard checks like any other value."""

import ast
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import tagged

from .common_rpc import VipRpcCase

MODULE = "partner_vip_care"
MODULE_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("models", "wizards", "controllers", "report", "tools")
CONTEXT_READ = re.compile(
    r"""context(?:\.get\(|\[)\s*["']([a-z_]+)["']"""
    r"""|["']([a-z_]+)["']\s+(?:not\s+)?in\s+[\w.]*context"""
    r"""|depends_context\(([^)]*)\)"""
)
DOWNLOAD = re.compile(r"/web/content/(\d+)")
PRESENTATION_KEYS = {"lang", "tz"}
# in depends_context these stand for env.uid and env.company, not context keys
ENVIRONMENT_NAMES = {"uid", "company"}
# arguments for public methods that require some; a new method that needs
# arguments fails the walk until it is given sample ones here
SAMPLE_ARGS = {
    "action_invite_tiers": lambda test: (test.gold.ids,),
    "action_merge_into": lambda test: (test.records["vip.suggestion"].id,),
    "web_resequence": lambda test: ({"name": {}},),
    "write": lambda test: ({},),
}
# creation and default_get are Odoo's defaults protocol (see above: a wizard
# opened from a list is told its records by active_ids, read with the caller's
# rights); mail routing takes a parsed e-mail message, which JSON cannot carry
SKIPPED = {"create", "default_get", "message_route"}


def module_context_keys():
    """Every context key read in the module's code."""
    keys = set()
    for folder in SOURCE_DIRS:
        for path in (MODULE_ROOT / folder).glob("*.py"):
            for match in CONTEXT_READ.finditer(path.read_text()):
                if match.group(3) is not None:
                    keys.update(
                        ast.literal_eval(f"({match.group(3)},)")
                        if match.group(3).strip()
                        else ()
                    )
                else:
                    keys.add(match.group(1) or match.group(2))
    return {key for key in keys if not key.startswith("default_")}


@tagged("post_install", "-at_install", "vip_security")
class TestContextKeysOverRpc(VipRpcCase):
    forged_context = {}  # each call says which keys it sends

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user_vip = cls._vip_user("ctx_vip_user")
        cls.user_admin = cls._vip_user("ctx_vip_admin", "admin")
        # the users' own time zone is the one the presented calls send: "today"
        # is the same day for both (a key may change the wording, not the day)
        (cls.user_vip | cls.user_admin).write({"tz": "Asia/Taipei"})
        cls.gold = env.ref("partner_vip_care.vip_tier_gold")
        cls.customer = env["res.partner"].create(
            {
                "name": "Contoso Shanghai",
                "is_company": True,
                "email": "buyer@contoso.example.com",
                "user_id": cls.user_vip.id,
                "vip_tier_id": cls.gold.id,
            }
        )
        env["res.lang"]._activate_lang("zh_TW")
        cls.records = cls._sample_records()
        cls.progress = env["ir.cron.progress"].create(
            {"cron_id": env.ref("partner_vip_care.ir_cron_vip_check_sla").id}
        )

    @classmethod
    def _sample_records(cls):
        env, customer, user = cls.env, cls.customer, cls.user_vip
        soon = datetime.now() + timedelta(days=3)
        promise = (
            env["vip.promise"]
            .with_user(user)
            .create(
                {
                    "partner_id": customer.id,
                    "description": "On-site training",
                    "value": 100.0,
                    "deadline": fields.Date.today() + timedelta(days=10),
                }
            )
        )
        promise.action_submit()
        complaint = env["vip.complaint"].create(
            {"subject": "Late delivery", "partner_id": customer.id, "user_id": user.id}
        )
        meeting = env["vip.meeting"].create(
            {
                "name": "Quality meeting",
                "start": soon,
                "stop": soon + timedelta(hours=2),
                "user_id": user.id,
                "attendee_ids": [Command.create({"partner_id": customer.id})],
            }
        )
        meeting.action_plan()
        suggestion = env["vip.suggestion"].create(
            {
                "name": "Bilingual invoices",
                "partner_id": customer.id,
                "user_id": user.id,
            }
        )
        calendar = env["resource.calendar"].create({"name": "Taipei office"})
        holiday_year = env["vip.holiday.year"].create(
            {"calendar_id": calendar.id, "country_code": "TW", "year": 2026}
        )
        campaign = env["vip.survey.campaign"].create(
            {"name": "Autumn survey", "tier_ids": [Command.set(cls.gold.ids)]}
        )
        campaign.action_select_participants()
        activity = complaint.activity_schedule(
            "mail.mail_activity_data_todo", user_id=user.id, summary="Call back"
        )
        program = env["loyalty.program"].create(
            {"name": "Referral coupons", "program_type": "coupons"}
        )
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "price_unit": 100, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        benefit = env["vip.benefit"].create({"name": "On-site training"})
        tier_benefit = env["vip.tier.benefit"].create(
            {"tier_id": cls.gold.id, "benefit_id": benefit.id, "quota": 1}
        )
        usages = (
            env["vip.benefit.usage"]
            .with_user(user)
            .create(
                [
                    {"partner_id": customer.id, "benefit_id": benefit.id}
                    for _n in range(2)
                ]
            )
        )
        contact = env["res.partner"].create(
            {"name": "Wang Li", "parent_id": customer.id, "vip_birthday": "1985-03-03"}
        )
        occasion = contact.vip_care_occasion_ids
        # sudo: the care calendar's job records its reminders
        reminder = (
            env["vip.care.reminder"]
            .sudo()
            .create({"occasion_id": occasion.id, "year": 2026, "date": "2026-03-03"})
        )
        plan = env["vip.account.plan"].create(
            {
                "name": "Account plan",
                "partner_id": customer.id,
                "user_id": user.id,
                "line_ids": [Command.create({"kpi": "revenue", "target": 1000})],
            }
        )
        return {
            "res.partner": customer,
            "res.users": user,
            "account.move": invoice,
            # sudo: the coupons given are written by the server only
            "vip.loyalty.reward": env["vip.loyalty.reward"]
            .sudo()
            .create(
                {
                    "kind": "welcome",
                    "date": fields.Date.today(),
                    "company_id": env.company.id,
                    "partner_id": customer.id,
                    "tier_id": cls.gold.id,
                    "year": 2026,
                    "program_id": program.id,
                }
            ),
            "vip.benefit": benefit,
            "vip.tier.benefit": tier_benefit,
            # the second waits for approval (beyond the quota of one)
            "vip.benefit.usage": usages[1],
            "vip.care.occasion": occasion,
            "vip.care.reminder": reminder,
            "vip.account.plan": plan,
            "vip.account.plan.line": plan.line_ids,
            "resource.calendar": calendar,
            "resource.calendar.workday": env["resource.calendar.workday"].create(
                {
                    "calendar_id": calendar.id,
                    "date": "2026-02-08",
                    "dayofweek_template": "0",
                    "holiday_year_id": holiday_year.id,
                }
            ),
            "vip.holiday.year": holiday_year,
            "vip.promise": promise,
            "vip.complaint": complaint,
            "vip.meeting": meeting,
            "vip.meeting.attendee": meeting.attendee_ids[:1],
            "calendar.event": meeting.calendar_event_id,
            "calendar.attendee": meeting.calendar_event_id.attendee_ids[:1],
            "vip.suggestion": suggestion,
            "vip.visit": env["vip.visit"].create(
                {"partner_id": customer.id, "user_id": user.id, "summary": "Review"}
            ),
            "vip.tier": cls.gold,
            "vip.tier.history": env["vip.tier.history"].create(
                {"partner_id": customer.id, "reason": "manual"}
            ),
            "vip.survey.campaign": campaign,
            "vip.survey.participant": campaign.participant_ids[:1],
            "mail.activity": activity,
            "vip.complaint.category": env["vip.complaint.category"].search([], limit=1),
            "vip.complaint.team": env["vip.complaint.team"].create(
                {
                    "name": "Delivery desk",
                    "member_ids": [Command.set(user.ids)],
                    "category_ids": [
                        Command.set(
                            env["vip.complaint.category"].search([], limit=1).ids
                        )
                    ],
                }
            ),
            "vip.sla.policy": env["vip.sla.policy"].search([], limit=1),
            "vip.sla.milestone": complaint.sla_milestone_ids[:1],
            "mail.message": complaint.message_ids[:1],
            "vip.monthly.digest": env["vip.monthly.digest"]
            .sudo()
            .create(
                {
                    "company_id": env.company.id,
                    "user_id": cls.user_admin.id,
                    "month": "2026-01-01",
                }
            ),
            # sudo: the nightly health job writes the snapshots
            "vip.health.history": env["vip.health.history"]
            .sudo()
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": env.company.id,
                    "month": fields.Date.today().replace(day=1),
                    "score": 80,
                    "stage": "active",
                    "tier_id": cls.gold.id,
                }
            ),
        }

    def _wizard_values(self, model):
        """A wizard of ``model`` on the sample records, None for none."""
        records = self.records
        return {
            "vip.complaint.cancel": {
                "complaint_ids": [Command.set(records["vip.complaint"].ids)],
                "reason": "Duplicate",
            },
            "vip.complaint.sla.correction": {
                "complaint_id": records["vip.complaint"].id,
                "field_name": "response_sla_state",
                "new_sla_state": "met",
                "reason": "Answered by phone",
            },
            "vip.export.wizard": {},
            "vip.holiday.import.wizard": {
                "calendar_id": records["resource.calendar"].id,
                "country_code": "TW",
                "year_from": 2026,
                "year_to": 2026,
            },
            "vip.meeting.invite.wizard": {"meeting_id": records["vip.meeting"].id},
            "vip.promise.wizard": {
                "promise_ids": [Command.set(records["vip.promise"].ids)],
                "step": "cancel",
                "note": "Customer withdrew",
            },
            "vip.suggestion.decision.wizard": {
                "suggestion_ids": [Command.set(records["vip.suggestion"].ids)],
                "decision": "rejected",
                "note": "Out of scope",
                "send_reply": False,
            },
            "vip.suggestion.merge.wizard": {
                "suggestion_ids": [Command.set(records["vip.suggestion"].ids)],
                "target_id": records["vip.suggestion"].id,
            },
            "res.config.settings": {},
            "vip.benefit.usage.cancel": {
                "usage_ids": [Command.set(records["vip.benefit.usage"].ids)],
                "reason": "Recorded twice",
            },
        }.get(model)

    # ------------------------------------------------------------------
    # what the walk calls
    # ------------------------------------------------------------------

    def _module_methods(self):
        """{model: [public method names the module defines on it]}."""
        found = {}
        for name, model_cls in self.env.registry.items():
            if model_cls._abstract:
                continue
            model = self.env[name]
            for klass in type(model).__mro__:
                if not klass.__module__.startswith(f"odoo.addons.{MODULE}."):
                    continue
                for attr, value in vars(klass).items():
                    if not callable(value) or attr in SKIPPED:
                        continue
                    try:
                        get_public_method(model, attr)
                    except (AccessError, AttributeError):
                        continue
                    found.setdefault(name, set()).add(attr)
        return {name: sorted(methods) for name, methods in found.items()}

    def _target(self, model, user):
        """The record a method of ``model`` is called on, as ``user``."""
        if model in self.records:
            return self.records[model]
        vals = self._wizard_values(model)
        try:
            return self.env[model].with_user(user).create(vals)
        except AccessError:
            return self.env[model]  # the role cannot open this wizard at all

    def _arguments(self, model, method, record):
        func = getattr(type(self.env[model]), method)
        is_model = getattr(func, "_api_model", False)
        code = func.__code__
        required = code.co_argcount - 1 - len(func.__defaults__ or ())
        extra = ()
        if required > 0:
            self.assertIn(
                method, SAMPLE_ARGS, f"give sample arguments for {model}.{method}"
            )
            extra = SAMPLE_ARGS[method](self)
        return list(extra) if is_model else [record.ids, *extra]

    # ------------------------------------------------------------------
    # one call in a savepoint, compared
    # ------------------------------------------------------------------

    def _call_outcome(self, user, model, method, args, record, context):
        """(status, result, effects) of the call, the database left as before."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("SAVEPOINT vip_context_walk")
        answer = self._rpc(user, model, method, args, context=context)
        if "error" in answer:
            status, result = "refused", answer["error"]["data"]["name"]
        else:
            status, result = "done", answer.get("result")
        self.env.invalidate_all()
        effects = self._effects(model, record)
        cr.execute("ROLLBACK TO SAVEPOINT vip_context_walk")
        self.env.invalidate_all()
        return status, self._normalise(result, model), self._settle(effects)

    def _effects(self, model, record):
        """What the call left behind: the record's stored values, how many
        records of its model, messages on it and cron progress rows exist."""
        Model = self.env[model].sudo().with_context(active_test=False)
        values = {}
        if record.exists():
            for fname, field in record._fields.items():
                # properties: user-defined, never the module's (and not comparable)
                if (
                    field.store
                    and field.type not in ("binary", "properties")
                    and fname != "write_date"
                ):
                    values[fname] = self._plain(record.sudo()[fname])
        messages = (
            self.env["mail.message"]
            .sudo()
            .search_count([("model", "=", model), ("res_id", "in", record.ids)])
        )
        progress = self.env["ir.cron.progress"].sudo().search_count([])
        return values, Model.search_count([]), messages, progress

    def _plain(self, value):
        if hasattr(value, "_name"):
            return ("records", value._name, tuple(value.ids))
        if isinstance(value, datetime):
            # a moment is the server clock's (the calls run seconds apart, maybe
            # across a minute): whether one was set is what a key could steer
            return "<moment>"
        return value

    def _decided(self, outcome):
        """What a call decided, apart from its wording: the status and every
        value left that is not text (notes are written in the caller's language)."""
        status, _result, (values, *counts) = outcome
        decided = {k: v for k, v in values.items() if not isinstance(v, str)}
        return status, decided, counts

    def _settle(self, effects):
        """Once rolled back: ids of records the call created become markers."""
        values, *counts = effects
        for fname, value in values.items():
            if isinstance(value, tuple) and value[:1] == ("records",):
                existing = set(self.env[value[1]].browse(value[2]).exists().ids)
                values[fname] = [i if i in existing else "<new>" for i in value[2]]
        return values, *counts

    def _normalise(self, result, model):
        """The result without what a call may echo of the keys and without the
        ids of records the call created (they differ from call to call)."""
        data = json.loads(json.dumps(result, sort_keys=True, default=str))
        if isinstance(data, list) and all(isinstance(item, int) for item in data):
            existing = set(self.env[model].browse(data).exists().ids)
            return [item if item in existing else "<new record>" for item in data]
        keys = set(self._forged_context()) | PRESENTATION_KEYS
        return self._strip(data, keys)

    def _strip(self, data, keys):
        if isinstance(data, dict):
            cleaned = {}
            for key, value in data.items():
                if key in keys:
                    continue
                if key == "res_id" and isinstance(value, int):
                    model = data.get("res_model")
                    exists = (
                        model in self.env and self.env[model].browse(value).exists()
                    )
                    value = value if exists else "<new record>"
                cleaned[key] = self._strip(value, keys)
            return cleaned
        if isinstance(data, list):
            return [self._strip(item, keys) for item in data]
        found = isinstance(data, str) and DOWNLOAD.search(data)
        # a file the call made: a new attachment each time
        if found and not self.env["ir.attachment"].browse(int(found[1])).exists():
            return DOWNLOAD.sub("/web/content/<new>", data)
        if isinstance(data, str) and re.fullmatch(
            r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", data
        ):
            return data[:16]
        return data

    def _forged_context(self):
        values = {
            "ir_cron_progress_id": self.progress.id,
            "cron_end_time": (datetime.now() + timedelta(days=1)).timestamp(),
            "cron_id": self.progress.cron_id.id,
            "active_model": "vip.complaint",
            "active_ids": self.records["vip.complaint"].ids,
            "active_id": self.records["vip.complaint"].id,
            "allowed_company_ids": self.env.company.ids,
        }
        keys = module_context_keys() - PRESENTATION_KEYS - ENVIRONMENT_NAMES
        return {key: values.get(key, True) for key in keys}

    def test_context_keys_change_nothing(self):
        forged = self._forged_context()
        self.assertIn("ir_cron_progress_id", forged, "the key scan must find them")
        presentation = {"lang": "zh_TW", "tz": "Asia/Taipei"}
        methods = self._module_methods()
        self.assertIn("action_approve", methods["vip.promise"])
        missing = [
            model
            for model in methods
            if model not in self.records and self._wizard_values(model) is None
        ]
        self.assertFalse(missing, "add sample records of these models to the walk")
        calls = 0
        for user in (self.user_vip, self.user_admin):
            for model, names in methods.items():
                target = self._target(model, user)
                if not target:
                    continue  # a wizard this role cannot open
                for method in names:
                    args = self._arguments(model, method, target)
                    plain = self._call_outcome(user, model, method, args, target, {})
                    with self.subTest(user=user.login, model=model, method=method):
                        steered = self._call_outcome(
                            user, model, method, args, target, forged
                        )
                        if steered[0] == "done":
                            self.assertEqual(plain[0], "done", steered[1])
                            self.assertEqual(steered, plain)
                        shown = self._call_outcome(
                            user, model, method, args, target, presentation
                        )
                        self.assertEqual(self._decided(shown), self._decided(plain))
                    calls += 3
        self.assertGreater(calls, 300, "the walk must reach the module's methods")
