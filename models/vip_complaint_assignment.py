from odoo import api, fields, models
from odoo.exceptions import ValidationError


class VipComplaint(models.Model):
    """Where a complaint goes at intake: the team of its category and, unless the
    team assigns by hand, one of its available members (see
    ``vip.complaint.team``). The same at every door: the form, the mail
    gateway, a call, the portal, and when triage sets the category."""

    _inherit = "vip.complaint"

    team_id = fields.Many2one(
        "vip.complaint.team",
        tracking=True,
        index="btree_not_null",
        domain="[('company_id', '=', company_id)]",
        help="Set from the category at intake; the team's method picks the "
        "responsible among its available members.",
        groups="base.group_user",
    )

    @api.constrains("team_id", "company_id")
    def _check_team_company(self):
        for complaint in self.sudo().filtered("team_id"):
            if complaint.team_id.company_id != complaint.company_id:
                raise ValidationError(
                    self.env._(
                        "Team: %(team)s works for %(team_company)s, not for the "
                        "company of complaint %(name)s (%(company)s).",
                        team=complaint.team_id.display_name,
                        team_company=complaint.team_id.company_id.display_name,
                        name=complaint.name,
                        company=complaint.company_id.display_name,
                    )
                )

    @api.onchange("category_id")
    def _onchange_category_id_team(self):
        """The form leaves the responsible to the team's method."""
        team = self.env["vip.complaint.team"]._vip_team_for(
            self.category_id, self.company_id
        )
        if team and team != self.team_id:
            self.team_id = team
            if team.assign_method != "manual":
                self.user_id = False

    @api.model_create_multi
    def create(self, vals_list):
        self._vip_route_to_teams(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        res = super().write(vals)
        if {"category_id", "team_id"} & vals.keys():
            self._vip_reroute(vals)
        return res

    @api.model
    def _vip_route_to_teams(self, vals_list):
        """Set ``team_id`` and ``user_id`` in the values of new complaints. A
        responsible given by the caller stays when it is an available member of
        the team (or when the team assigns by hand); any other (the customer's
        salesperson, the form's default) gives way to the team's pick."""
        Team = self.env["vip.complaint.team"]
        Category = self.env["vip.complaint.category"]
        to_pick = {}
        for vals in vals_list:
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.company.id
            )
            if vals.get("team_id"):
                team = Team.browse(vals["team_id"]).sudo()
            else:
                team = Team._vip_team_for(
                    Category.browse(vals.get("category_id") or []), company
                )
                if not team:
                    continue
                vals["team_id"] = team.id
            if team.assign_method == "manual":
                continue
            given = vals.get("user_id")
            if given and given in team._vip_available_members().ids:
                continue
            to_pick.setdefault(team, []).append(vals)
        for team, team_vals in to_pick.items():
            weights = [self._vip_intake_weight(vals) for vals in team_vals]
            members = team._vip_pick_members(len(team_vals), weights)
            for vals, member in zip(team_vals, members, strict=True):
                if member:
                    vals["user_id"] = member.id
                else:
                    # nobody available: the complaint waits in the team's queue
                    vals.setdefault("user_id", False)

    @api.model
    def _vip_intake_weight(self, vals):
        """What a new complaint adds to its responsible's load: its priority
        (the customer's tier level plus one) plus one."""
        partner = self.env["res.partner"].browse(vals.get("partner_id") or [])
        tier = partner.commercial_partner_id.vip_tier_id
        return tier.level + 2 if tier else 1

    def _vip_reroute(self, vals):
        """Triage of an untouched complaint (new, not answered) changed its
        category or team: the team follows the category, and a responsible who
        is not an available member of an automatic team gives way to its pick."""
        Team = self.env["vip.complaint.team"]
        for complaint in self.filtered(
            lambda c: c.state == "new" and not c.responded_on
        ):
            team = complaint.team_id
            if "team_id" not in vals:
                team = Team._vip_team_for(complaint.category_id, complaint.company_id)
            new_vals = {}
            if team != complaint.team_id:
                new_vals["team_id"] = team.id
            team = team.sudo()
            if (
                team
                and team.assign_method != "manual"
                and "user_id" not in vals
                and complaint.user_id not in team._vip_available_members()
            ):
                member = team._vip_pick_members(1, [complaint.priority + 1])[0]
                if member:
                    new_vals["user_id"] = member.id
            if new_vals:
                super(VipComplaint, complaint).write(new_vals)
        return True

    def action_assign_to_team(self):
        """Give open complaints of a team whose responsible is not an available
        member (away, left the team, or nobody was available at intake) to a
        member by the team's method."""
        self.check_access("write")
        for complaint in self.filtered(
            lambda c: c.team_id and c.state in ("new", "in_progress", "waiting")
        ):
            team = complaint.team_id.sudo()
            if (
                team.assign_method == "manual"
                or complaint.user_id in team._vip_available_members()
            ):
                continue
            member = team._vip_pick_members(1, [complaint.priority + 1])[0]
            if member and member != complaint.user_id:
                complaint.user_id = member
        return True
