"""The Account Plans sheet of the review workbook: one row per target of the
plans overlapping the period, with its frozen or current actual. Kept apart
from the other sheets; the workbook registers it with one line."""

from odoo.fields import Domain


def account_plan_sheet(book, writer):
    """Write the sheet into ``writer`` for the workbook ``book`` (its period,
    company, salespeople and tiers; its environment, so record rules apply);
    returns {title: number of rows}."""
    env = book.env
    title = env._("Account Plans")
    columns = _columns(env)
    if not env["vip.account.plan"].has_access("read"):
        return {title: writer.sheet(title, columns, iter(()))}
    plans, lines = _plans_and_lines(book)
    return {title: writer.sheet(title, columns, _rows(book, plans, lines))}


def _columns(env):
    """The sheet's (header, kind) columns in ``env``'s language."""
    return [
        (env._("Plan"), "text"),
        (env._("Customer"), "text"),
        (env._("Owner"), "text"),
        (env._("From"), "date"),
        (env._("To"), "date"),
        (env._("Stage"), "text"),
        (env._("Indicator"), "text"),
        (env._("Description"), "text"),
        (env._("Target"), "float"),
        (env._("Actual"), "float"),
        (env._("Achievement"), "percent"),
    ]


def _plans_and_lines(book):
    """The plans overlapping the workbook's period (its company, salespeople
    and tiers) and their targets, the actuals read at once."""
    env = book.env
    domain = (
        Domain("company_id", "=", book.company.id)
        & Domain("date_start", "<=", book.date_to)
        & Domain("date_end", ">=", book.date_from)
        & book._user_domain("user_id", "partner_id.user_id")
        & book._tier_domain("partner_id.vip_tier_id")
    )
    plans = env["vip.account.plan"].search_fetch(
        domain,
        ["name", "partner_id", "user_id", "date_start", "date_end", "state"],
        order="date_start, id",
    )
    lines = env["vip.account.plan.line"].search_fetch(
        [("plan_id", "in", plans.ids)], ["plan_id", "kpi", "name", "target"]
    )
    lines.mapped("actual")  # one grouped read per indicator for every plan
    return plans, lines


def _rows(book, plans, lines):
    """The sheet's rows (an iterator): one per target, by plan."""
    partners = book._names("res.partner", plans.partner_id.ids, "complete_name")
    users = book._names("res.users", plans.user_id.ids, "name")
    stages = book._labels("vip.account.plan", "state")
    kpis = book._labels("vip.account.plan.line", "kpi")
    by_plan = {plan.id: [] for plan in plans}
    for line in lines:
        by_plan[line.plan_id.id].append(line)

    def rows():
        for plan in plans:
            for line in by_plan[plan.id]:
                yield [
                    plan.name,
                    partners.get(plan.partner_id.id),
                    users.get(plan.user_id.id),
                    plan.date_start,
                    plan.date_end,
                    stages.get(plan.state),
                    kpis.get(line.kpi),
                    line.name,
                    line.target,
                    line.actual,
                    line.achievement / 100.0,
                ]

    return rows()
