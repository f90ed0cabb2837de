"""Locust users of bench/load (run by bench/load, not by dev/bench).

VIP users (JSON-RPC, as the web client): promises created, submitted and kept;
complaints created, acknowledged, started and resolved; bad input (a negative
promise value) that must be refused with a ValidationError. Portal users: log in
through the login form and read /my/vip, its complaints and promises (readonly
routes: the replica serves them). What was created is written to LOAD_RESULTS."""

import itertools
import json
import os
import re
from datetime import date, timedelta

from gevent.event import Event
from locust import HttpUser, between, events, task

with open(os.environ["LOAD_ACCOUNTS"], encoding="utf-8") as _accounts:
    ACCOUNTS = json.load(_accounts)
RESULTS = {
    "promises": [],
    "complaints": [],
    "refused": 0,
    "refusal_messages": [],
    "slow": [],
}
_internal = itertools.cycle(ACCOUNTS["internal"])
_portal = itertools.cycle(ACCOUNTS["portal"])
_ids = itertools.count(1)


# The timed operations start once every user has logged in: eight logins at the
# same moment (a password hash each, hundreds of milliseconds of CPU) hold the
# workers of a 2-core machine for a second or two, and the operations queued behind
# them would measure the logins again. Logins keep their own rows.
USERS = int(os.environ.get("LOAD_USERS", "8"))
_logged_in = itertools.count(1)
_everyone_in = Event()


def _wait_for_everyone():
    if next(_logged_in) >= USERS:
        _everyone_in.set()
    _everyone_in.wait(timeout=30)


@events.request.add_listener
def _note_slow(name, response_time, start_time=None, **_kwargs):
    """Requests over 300 ms, with their start (to compare with Odoo's log)."""
    if response_time > 300:
        RESULTS["slow"].append([start_time, name, round(response_time)])


@events.test_stop.add_listener
def _save_results(environment, **_kwargs):
    with open(os.environ["LOAD_RESULTS"], "w", encoding="utf-8") as out:
        json.dump(RESULTS, out)


class VipUser(HttpUser):
    weight = 3
    wait_time = between(0.1, 0.5)

    def on_start(self):
        self.account = next(_internal)
        self.rpc(
            "/web/session/authenticate",
            {
                "db": ACCOUNTS["db"],
                "login": self.account["login"],
                "password": self.account["password"],
            },
            name="login (json)",
        )
        _wait_for_everyone()

    def rpc(self, url, params, name, expect_error=None):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(_ids),
            "params": params,
        }
        with self.client.post(
            url, json=payload, name=name, catch_response=True
        ) as resp:
            try:
                data = resp.json()
            except ValueError:
                resp.failure(f"not JSON: HTTP {resp.status_code}")
                return None
            error = data.get("error")
            if expect_error:
                if error and expect_error in error.get("data", {}).get("name", ""):
                    resp.success()
                    return error
                resp.failure(f"bad input not refused as {expect_error}: {data}")
                return None
            if error:
                resp.failure(error.get("data", {}).get("message", str(error)))
                return None
            return data.get("result")

    def call(self, model, method, args, name, expect_error=None, **kwargs):
        return self.rpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
            name=name,
            expect_error=expect_error,
        )

    def _customer(self):
        customers = self.account["customers"]
        return customers[next(_ids) % len(customers)]

    @task(3)
    def promise_lifecycle(self):
        values = {
            "partner_id": self._customer(),
            "description": "Free delivery on the next order",
            "promise_type": "delivery",
            "value": 100,
            "deadline": str(date.today() + timedelta(days=30)),
        }
        promise_id = self.call("vip.promise", "create", [values], "promise: create")
        if not promise_id:
            return
        RESULTS["promises"].append(promise_id)
        self.call("vip.promise", "action_submit", [[promise_id]], "promise: submit")
        self.call("vip.promise", "action_mark_kept", [[promise_id]], "promise: kept")
        self.call(
            "vip.promise",
            "web_read",
            [[promise_id]],
            "promise: read",
            specification={"name": {}, "state": {}},
        )

    @task(2)
    def complaint_lifecycle(self):
        values = {
            "subject": "Late delivery",
            "description": "The goods arrived two days late.",
            "partner_id": self._customer(),
            "severity": "high",
        }
        complaint_id = self.call(
            "vip.complaint", "create", [values], "complaint: create"
        )
        if not complaint_id:
            return
        RESULTS["complaints"].append(complaint_id)
        for action in ("action_acknowledge", "action_start", "action_resolve"):
            self.call(
                "vip.complaint", action, [[complaint_id]], f"complaint: {action[7:]}"
            )

    @task(1)
    def bad_promise(self):
        values = {
            "partner_id": self._customer(),
            "description": "Negative value",
            "value": -50,
            "deadline": str(date.today() + timedelta(days=10)),
        }
        error = self.call(
            "vip.promise",
            "create",
            [values],
            "promise: create refused",
            expect_error="ValidationError",
        )
        if error:
            RESULTS["refused"] += 1
            message = error.get("data", {}).get("message", "")
            if len(RESULTS["refusal_messages"]) < 1:
                RESULTS["refusal_messages"].append(message)


class PortalUser(HttpUser):
    weight = 2
    wait_time = between(0.1, 0.5)

    def on_start(self):
        account = next(_portal)
        page = self.client.get("/web/login", name="portal: login form")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        with self.client.post(
            "/web/login",
            data={
                "login": account["login"],
                "password": account["password"],
                "csrf_token": token.group(1) if token else "",
                "redirect": "/my/vip",
            },
            name="portal: login",
            catch_response=True,
        ) as resp:
            if "/web/login" in resp.url:
                resp.failure("portal login refused")
        _wait_for_everyone()

    def _page(self, url, name, marker):
        with self.client.get(url, name=name, catch_response=True) as resp:
            if resp.status_code != 200 or "/web/login" in resp.url:
                resp.failure(f"HTTP {resp.status_code} at {resp.url}")
            elif marker not in resp.text:
                resp.failure(f"{marker!r} missing from {url}")

    @task(2)
    def vip_home(self):
        self._page("/my/vip", "portal: /my/vip", "/my/vip")

    @task(2)
    def complaints(self):
        self._page("/my/vip/complaints", "portal: /my/vip/complaints", "/my/vip")

    @task(1)
    def promises(self):
        self._page("/my/vip/promises", "portal: /my/vip/promises", "Our Promises")
