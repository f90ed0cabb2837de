"""Calls over real JSON-RPC (/web/dataset/call_kw) as a given user, the way an
RPC client would make them: the trust tests of every part of the module use it."""

from odoo.tests import HttpCase, new_test_user
from odoo.tests.common import JsonRpcException

FORGED_CONTEXT = {
    # keys an attacker may try: none of them may grant anything
    "vip_tier_evaluation": True,
    "vip_tier_resequence": True,
    "vip_automatic_mail": True,
    "vip_meeting_sync": True,
    "tracking_disable": True,
}
VIP_GROUPS = "base.group_user,base.group_partner_manager,partner_vip_care.group_vip_"


class VipRpcCase(HttpCase):
    # sent with every call, under the context a test gives
    forged_context = FORGED_CONTEXT
    # what assertRefused expects in the error's name unless told otherwise
    refused_error = "UserError"

    @classmethod
    def _vip_user(cls, login, role="user", **values):
        """A user of the VIP Care group ``role`` (user, manager, admin)."""
        return new_test_user(cls.env, login=login, groups=VIP_GROUPS + role, **values)

    def _rpc(self, user, model, method, args, context=None, **kwargs):
        """The raw JSON-RPC answer of /web/dataset/call_kw, as ``user``."""
        if getattr(self, "_logged_in", None) != user:
            self.authenticate(user.login, user.login)
            self._logged_in = user
        params = {
            "model": model,
            "method": method,
            "args": list(args),
            "kwargs": {"context": {**self.forged_context, **(context or {})}, **kwargs},
        }
        response = self.opener.post(
            f"{self.base_url()}/web/dataset/call_kw",
            json={"id": 0, "jsonrpc": "2.0", "method": "call", "params": params},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def _call(self, user, model, method, *args, context=None, **kwargs):
        """The call's result; a refusal raises JsonRpcException (its name)."""
        answer = self._rpc(user, model, method, args, context=context, **kwargs)
        if "error" in answer:
            error = answer["error"]
            raise JsonRpcException(error["code"], error["data"]["name"])
        return answer.get("result")

    def assertRefused(self, user, model, method, *args, error=None, **kwargs):
        """The call is refused with ``error``; returns the message the user reads."""
        answer = self._rpc(user, model, method, args, **kwargs)
        self.assertIn("error", answer, f"{model}.{method}{args} was not refused")
        data = answer["error"]["data"]
        self.assertIn(error or self.refused_error, data["name"])
        return data["message"]
