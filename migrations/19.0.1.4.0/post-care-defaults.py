from odoo import SUPERUSER_ID, api

# What data/vip_benefit_data.xml gives the default tiers on a new installation;
# that file is noupdate, so an upgraded database would keep 0 (every gift waiting
# for approval) and no festival gifts.
DEFAULTS = {
    "vip_tier_silver": (600, False),
    "vip_tier_gold": (2000, True),
    "vip_tier_platinum": (5000, True),
}


def migrate(cr, version):
    """The care programme is new: the default tiers still as shipped get the
    gift budget and festival gifts of a new installation; tiers of one's own keep
    0 (every gift needs approval) until an administrator sets a budget."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, (budget, festivals) in DEFAULTS.items():
        tier = env.ref(f"partner_vip_care.{xmlid}", raise_if_not_found=False)
        if tier and not tier.gift_budget:
            tier.write({"gift_budget": budget, "festival_gifts": festivals})
    # the benefit uses' numbering (BEN/<year>/): its ranges before the first use
    env["vip.promise"]._vip_ensure_sequence_ranges(
        years_ahead=1, code="vip.benefit.usage"
    )
