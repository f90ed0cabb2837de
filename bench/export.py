"""Review workbook benchmark (issue 16): the whole workbook, every sheet, at two sizes.

Creates (in the rolled-back transaction) customers with a tier through the ORM, one
promise, complaint, suggestion and visit of each kind through the ORM, then copies
those rows in SQL up to the size asked, spread over the customers and the period.
Builds the workbook as a VIP manager (record rules on) at the small size, then at the
large one, and prints wall time, peak Python memory (tracemalloc), queries and rows:
the query count must not grow with the rows.
Usage: see bench/README.md ("export"); standalone:
  python bench/export.py --database DB --addons-path PATH [--rows 20000] [--small 2000]
"""

import io
import tracemalloc
from datetime import date, timedelta

from _common import Measure, odoo_env, parse_args, parser, table

SHEET_MODELS = ("res.partner", "vip.promise", "vip.complaint", "vip.suggestion")


def arguments():
    argparser = parser(__doc__.splitlines()[0])
    argparser.add_argument("--rows", type=int, default=20_000)
    argparser.add_argument("--small", type=int, default=2_000)
    return parse_args(argparser)


def copy_rows(cr, table_name, template_id, count, overrides):
    """``count`` copies of row ``template_id`` of ``table_name`` (g = 1..count in
    the ``overrides`` SQL expressions)."""
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = %s AND column_name != 'id'""",
        [table_name],
    )
    columns = [row[0] for row in cr.fetchall()]
    select = [overrides.get(column, f't."{column}"') for column in columns]
    cr.execute(
        f"""INSERT INTO "{table_name}" ({", ".join(f'"{c}"' for c in columns)})
            SELECT {", ".join(select)}
              FROM "{table_name}" t, generate_series(1, %s) AS g
             WHERE t.id = %s""",
        [count, template_id],
    )


def populate(env, per_sheet, manager, state):
    """Grow every sheet to ``per_sheet`` rows (roster, promises, complaints,
    suggestions, visits)."""
    cr = env.cr
    tier = env.ref("partner_vip_care.vip_tier_gold")
    customers = state.setdefault("customers", env["res.partner"])
    missing = per_sheet - len(customers)
    if missing > 0:
        new = env["res.partner"].create(
            [
                {
                    "name": f"Export customer {len(customers) + i}",
                    "is_company": True,
                    "user_id": manager.id,
                }
                for i in range(missing)
            ]
        )
        cr.execute(
            "UPDATE res_partner SET vip_tier_id = %s, vip_revenue = 1000 + id "
            "WHERE id = ANY(%s)",
            [tier.id, new.ids],
        )
        customers |= new
        state["customers"] = customers
    ids = customers.ids
    if "templates" not in state:
        first = customers[0]
        promise = env["vip.promise"].create(
            {
                "partner_id": first.id,
                "user_id": manager.id,
                "value": 50,
                "description": "Free delivery",
                "deadline": date.today() + timedelta(days=5),
            }
        )
        promise.action_submit()
        complaint = env["vip.complaint"].create(
            {"subject": "Late delivery", "partner_id": first.id}
        )
        complaint.action_acknowledge()
        suggestion = env["vip.suggestion"].create(
            {"name": "Bilingual invoices", "partner_id": first.id}
        )
        visit = env["vip.visit"].create(
            {
                "partner_id": first.id,
                "user_id": manager.id,
                "summary": "Review",
                "customer_feedback": "<p>All fine.</p>",
            }
        )
        env.flush_all()
        state["templates"] = {
            "vip_promise": promise.id,
            "vip_complaint": complaint.id,
            "vip_suggestion": suggestion.id,
            "vip_visit": visit.id,
        }
        state["count"] = 1
    count = per_sheet - state["count"]
    if count <= 0:
        return
    partner = f"(ARRAY{ids})[1 + mod(g, {len(ids)})]"
    for table_name, template_id in state["templates"].items():
        overrides = {"partner_id": partner}
        if table_name in ("vip_complaint", "vip_suggestion"):
            overrides["commercial_partner_id"] = partner
        if table_name != "vip_visit":
            overrides["name"] = f"t.name || '-{state['count']}-' || g"
        if table_name == "vip_visit":
            overrides["date"] = "t.date - mod(g, 25)"
        copy_rows(cr, table_name, template_id, count, overrides)
    state["count"] = per_sheet
    env.invalidate_all()


def build(env, manager):
    from odoo.addons.partner_vip_care.tools.vip_review_workbook import (
        VipReviewWorkbook,
    )

    user_env = env(user=manager.id, su=False)
    today = date.today()
    env.invalidate_all()
    builder = VipReviewWorkbook(
        user_env, today - timedelta(days=30), today, user_env.company
    )
    with Measure(env.cr) as measure:
        data = builder.build()
    # the peak memory in a second build: tracing slows Python down several times
    env.invalidate_all()
    tracemalloc.start()
    VipReviewWorkbook(
        user_env, today - timedelta(days=30), today, user_env.company
    ).build()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return measure, peak, data, builder.row_counts


def main():
    args = arguments()
    with odoo_env(args) as env:
        from odoo.tests import new_test_user

        manager = new_test_user(
            env,
            login="bench_export_manager",
            groups="base.group_user,partner_vip_care.group_vip_manager",
        )
        state = {}
        results = []
        for total in (args.small, args.rows):
            per_sheet = max(total // 5, 1)
            populate(env, per_sheet, manager, state)
            build(env, manager)  # warm-up: registry caches, templates
            measure, peak, data, counts = build(env, manager)
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            rows = sum(counts.values())
            assert len(book.sheetnames) == 8
            results.append(
                [
                    rows,
                    f"{measure.seconds:.2f}",
                    f"{measure.sql_seconds:.2f}",
                    f"{measure.cpu_seconds:.2f}",
                    f"{peak / 2**20:.1f}",
                    measure.queries,
                    f"{len(data) / 2**10:.0f}",
                ]
            )
        print(
            table(
                ["rows", "wall s", "SQL s", "CPU s", "peak MiB", "queries", "xlsx KiB"],
                results,
            )
        )
        small, large = results
        print(
            f"rows x{large[0] / small[0]:.1f}: time x"
            f"{float(large[1]) / max(float(small[1]), 1e-9):.1f}, queries "
            f"{small[5]} -> {large[5]} (must not grow)"
        )


if __name__ == "__main__":
    main()
