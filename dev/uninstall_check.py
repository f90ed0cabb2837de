# Steps of dev/uninstall_check, run by `odoo-bin shell` (``env`` is given).
# ruff: noqa: F821
import os
import sys

MODULE = "partner_vip_care"
step = os.environ["VIP_STEP"]
module = env["ir.module.module"].search([("name", "=", MODULE)])


def fail(message):
    print(f"uninstall check FAILED ({step}): {message}")
    sys.exit(1)


def open_partner_form(expect_vip):
    """The base partner form, as a plain internal user: views, read, save."""
    user = env["res.users"].search([("login", "=", "uninstall_check")])
    if not user:
        user = env["res.users"].create(
            {
                "name": "Uninstall Check",
                "login": "uninstall_check",
                # an accountant outside the VIP groups
                "group_ids": [
                    (
                        6,
                        0,
                        [
                            env.ref("base.group_user").id,
                            env.ref("base.group_partner_manager").id,
                            env.ref("account.group_account_invoice").id,
                        ],
                    )
                ],
            }
        )
    Partner = env["res.partner"].with_user(user)
    views = Partner.get_views([(False, "form"), (False, "list"), (False, "kanban")])
    arch = views["views"]["form"]["arch"]
    fields_spec = {name: {} for name in views["models"]["res.partner"]["fields"]}
    partner = Partner.create({"name": "Form check", "is_company": True})
    record = partner.web_read(fields_spec)[0]
    partner.web_save({"phone": "+32 470 00 00 00"}, specification={"phone": {}})
    Partner.web_search_read([], {"display_name": {}}, limit=5)
    has_vip = any(name.startswith("vip_") for name in record)
    if has_vip != expect_vip:
        fail(f"VIP fields on the partner form: {has_vip}, expected {expect_vip}")
    if not expect_vip and "vip_" in arch:
        fail("the partner form still names VIP fields")
    return partner


if step == "uninstall":
    module.button_immediate_uninstall()
elif step == "install":
    module.button_immediate_install()
elif step == "check_uninstalled":
    if module.state != "uninstalled":
        fail(f"module state {module.state}")
    left = env["ir.model.data"].search_count([("module", "=", MODULE)])
    if left:
        fail(f"{left} ir.model.data records of the module")
    checks = {
        "ir.cron": [("cron_name", "ilike", "VIP Care")],
        "mail.activity.type": [("res_model", "like", "vip.")],
        "mail.alias": [("alias_model_id.model", "like", "vip.")],
        "ir.actions.server": [("model_name", "like", "vip.")],
        "ir.model": [("model", "like", "vip.")],
        "ir.sequence": [("code", "like", "vip.")],
        "ir.rule": [("model_id.model", "like", "vip.")],
    }
    for model, domain in checks.items():
        count = env[model].with_context(active_test=False).search_count(domain)
        if count:
            fail(f"{count} {model} left")
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'res_partner' AND column_name LIKE 'vip\\_%%'"
    )
    columns = [row[0] for row in env.cr.fetchall()]
    if columns:
        fail(f"res_partner columns left: {columns}")
    env.cr.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'vip\\_%%'")
    tables = [row[0] for row in env.cr.fetchall()]
    if tables:
        fail(f"tables left: {tables}")
    open_partner_form(expect_vip=False)
    env.cr.commit()
elif step == "check_installed":
    if module.state != "installed":
        fail(f"module state {module.state}")
    crons = env["ir.cron"].search_count([("cron_name", "ilike", "VIP Care")])
    if not crons:
        fail("no cron after reinstall")
    partner = open_partner_form(expect_vip=True)
    env["res.partner"]._vip_evaluate_tiers(partner)
    env.cr.commit()
print(f"uninstall check step {step}: ok")
