"""Accounts and customers of bench/load: VIP users (each the salesperson of a few
customers) and portal users (contacts of customers), written to a JSON file."""

import json

from _common import odoo_env, parse_args, parser

PASSWORD = "load-Pa55word"


def main():
    argparser = parser(__doc__)
    argparser.add_argument("--out", required=True)
    argparser.add_argument("--internal", type=int, default=6)
    argparser.add_argument("--portal", type=int, default=6)
    argparser.add_argument("--customers-per-user", type=int, default=4)
    args = parse_args(argparser)
    with odoo_env(args) as env:
        gold = env.ref("partner_vip_care.vip_tier_gold")
        vip_group = env.ref("partner_vip_care.group_vip_user")
        portal_group = env.ref("base.group_portal")
        accounts = {"db": args.database, "internal": [], "portal": []}
        customers = env["res.partner"]
        for n in range(args.internal):
            user = env["res.users"].create(
                {
                    "name": f"Load User {n}",
                    "login": f"load_user_{n}",
                    "password": PASSWORD,
                    "group_ids": [(4, vip_group.id)],
                }
            )
            mine = env["res.partner"].create(
                [
                    {
                        "name": f"Load Customer {n}-{k}",
                        "is_company": True,
                        "email": f"customer{n}-{k}@load.example.com",
                        "user_id": user.id,
                        "vip_tier_id": gold.id,
                    }
                    for k in range(args.customers_per_user)
                ]
            )
            customers |= mine
            accounts["internal"].append(
                {"login": user.login, "password": PASSWORD, "customers": mine.ids}
            )
        for n in range(args.portal):
            customer = customers[n % len(customers)]
            contact = env["res.partner"].create(
                {
                    "name": f"Load Portal {n}",
                    "parent_id": customer.id,
                    "email": f"portal{n}@load.example.com",
                }
            )
            env["res.users"].create(
                {
                    "name": contact.name,
                    "login": f"load_portal_{n}",
                    "password": PASSWORD,
                    "partner_id": contact.id,
                    "group_ids": [(6, 0, [portal_group.id])],
                }
            )
            accounts["portal"].append(
                {
                    "login": f"load_portal_{n}",
                    "password": PASSWORD,
                    "customer": customer.id,
                }
            )
        env.cr.commit()
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(accounts, out)
    print(
        f"load accounts: {args.internal} VIP users, {args.portal} portal users, "
        f"{len(customers)} customers"
    )


if __name__ == "__main__":
    main()
