"""The "Word of Mouth" sheet of the review workbook: per month and tier, the
promoters asked for a referral, the referrals made, the revenue of the referred
customers, the coupons the module gave and how many were used, the points earned
on invoices. Grouped reads and one fetch per model, through the reader's
environment: the number of queries does not depend on the number of rows."""

from collections import defaultdict

from odoo.fields import Domain

NO_TIER = 0
KEYS = (
    "promoters_asked",
    "referrals",
    "referred_revenue",
    "coupons_issued",
    "coupons_used",
    "points_earned",
)


def _month(value):
    return value.strftime("%Y-%m") if value else ""


def _readable(env, model):
    return model in env and env[model].has_access("read")


def word_of_mouth_figures(review):
    """{(month "YYYY-MM", tier id or 0): {key: value}} for the review's company,
    period and salespeople (``review``: a VipReviewFigures)."""
    table = defaultdict(lambda: dict.fromkeys(KEYS, 0))
    _add_promoters_asked(review, table)
    _add_coupons(review, table)
    _add_referred_revenue(review, table)
    _add_points_earned(review, table)
    return table


def _user_domain(review, fname):
    """The review's salespeople on ``fname`` (every record without a filter)."""
    users = review.users
    return Domain(fname, "in", users.ids) if users else Domain.TRUE


def _add_promoters_asked(review, table):
    """Promoters asked for a referral, by month planned and tier."""
    env, company = review.env, review.company
    participants = "vip.survey.participant"
    if not _readable(env, participants):
        return
    for month, tier, count in env[participants]._read_group(
        Domain("company_id", "=", company.id)
        & Domain("category", "=", "promoter")
        & review._period("followup_planned_on", datetimes=True)
        & _user_domain(review, "partner_id.user_id"),
        ["followup_planned_on:month", "tier_id"],
        ["__count"],
    ):
        table[_month(month), tier.id or NO_TIER]["promoters_asked"] += count


def _add_coupons(review, table):
    """Coupons issued and used, and referrals rewarded, by month and tier."""
    env, company = review.env, review.company
    rewards = env["vip.loyalty.reward"].search_fetch(
        Domain("company_id", "=", company.id)
        & review._period("date")
        & _user_domain(review, "partner_id.user_id"),
        ["date", "kind", "tier_id", "card_id"],
    )
    used = {
        card.id
        for [card] in env["loyalty.history"]._read_group(
            [("card_id", "in", rewards.card_id.ids), ("used", ">", 0)], ["card_id"]
        )
    }
    for reward in rewards:
        row = table[_month(reward.date), reward.tier_id.id or NO_TIER]
        row["coupons_issued"] += 1
        row["coupons_used"] += reward.card_id.id in used
        row["referrals"] += reward.kind == "referrer"


def _add_referred_revenue(review, table):
    """Revenue of referred customers, by month and tier of their referrer."""
    env, company = review.env, review.company
    # sudo: the referred revenue is a figure of the customers, as their
    # vip_referral_revenue, also for a reader without access to invoices
    revenue = (
        env["account.move"]
        .sudo()
        ._read_group(
            Domain("company_id", "=", company.id)
            & Domain("state", "=", "posted")
            & Domain("move_type", "in", ("out_invoice", "out_refund"))
            & Domain("commercial_partner_id.vip_referred_by_id", "!=", False)
            & review._period("invoice_date")
            & _user_domain(review, "commercial_partner_id.vip_referred_by_id.user_id"),
            ["invoice_date:month", "commercial_partner_id"],
            ["amount_untaxed_signed:sum"],
        )
    )
    referred = env["res.partner"].search_fetch(
        [("id", "in", [partner.id for _m, partner, _a in revenue])],
        ["vip_referred_by_id"],
    )
    referrers = env["res.partner"].search_fetch(
        [("id", "in", referred.vip_referred_by_id.commercial_partner_id.ids)],
        ["vip_tier_id"],
    )
    tier_of = {p.id: p.vip_tier_id.id or NO_TIER for p in referrers}
    referrer_of = {
        p.id: p.vip_referred_by_id.commercial_partner_id.id for p in referred
    }
    for month, partner, amount in revenue:
        tier = tier_of.get(referrer_of.get(partner.id), NO_TIER)
        table[_month(month), tier]["referred_revenue"] += amount


def _add_points_earned(review, table):
    """Net points earned on invoices, by month and tier of the card's holder."""
    env, company = review.env, review.company
    # sudo: which program earns points is a setting, read to select its cards
    program = company.sudo().vip_points_program_id
    if not program:
        return
    points = env["loyalty.history"]._read_group(
        Domain("card_id.program_id", "=", program.id)
        & Domain("order_model", "=", "account.move")
        & review._period("create_date", datetimes=True)
        & _user_domain(review, "card_id.partner_id.user_id"),
        ["create_date:month", "card_id"],
        ["issued:sum", "used:sum"],
    )
    cards = env["loyalty.card"].search_fetch(
        [("id", "in", [card.id for _m, card, _i, _u in points])], ["partner_id"]
    )
    holders = env["res.partner"].search_fetch(
        [("id", "in", cards.partner_id.commercial_partner_id.ids)],
        ["vip_tier_id"],
    )
    tier_of = {p.id: p.vip_tier_id.id or NO_TIER for p in holders}
    tier_of_card = {
        c.id: tier_of.get(c.partner_id.commercial_partner_id.id, NO_TIER) for c in cards
    }
    for month, card, issued, used_points in points:
        row = table[_month(month), tier_of_card.get(card.id, NO_TIER)]
        row["points_earned"] += issued - used_points


def word_of_mouth_sheet(review):
    """(columns, rows) of the sheet, by month then tier (best tier first)."""
    env = review.env
    columns = [
        (env._("Month"), "text"),
        (env._("Tier"), "text"),
        (env._("Promoters Asked"), "int"),
        (env._("Referrals"), "int"),
        (env._("Referred Revenue"), "money"),
        (env._("Coupons Issued"), "int"),
        (env._("Coupons Used"), "int"),
        (env._("Points Earned"), "float"),
    ]
    table = word_of_mouth_figures(review)
    tiers = review._summary_tiers()
    rank = {tier.id: index for index, tier in enumerate(tiers)}
    names = review._names("vip.tier", [tier for _month, tier in table])
    no_tier = env._("No tier")

    def rows():
        for month, tier in sorted(
            table, key=lambda key: (key[0], rank.get(key[1], len(rank)))
        ):
            if review.tiers and tier not in rank:
                continue
            figures = table[month, tier]
            yield [month, names.get(tier) or no_tier, *(figures[k] for k in KEYS)]

    return columns, rows()
