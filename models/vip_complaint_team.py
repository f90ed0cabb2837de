from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .res_partner_complaint import VIP_COMPLAINT_OPEN_STATES

ASSIGN_METHODS = [
    ("manual", "Manual"),
    ("round_robin", "Round Robin"),
    ("balanced", "Balanced"),
]


class VipComplaintTeam(models.Model):
    """A complaint-handling team: the complaints of its categories come to it and,
    unless its method is manual, to one of its available members, picked in turn
    (round robin) or by the lightest load of open complaints weighted by their
    priority (balanced). The pick locks the team row, so two workers taking
    complaints at the same moment never hand out the same turn twice."""

    _name = "vip.complaint.team"
    _description = "Complaint Team"
    _inherit = ["mail.thread", "vip.workflow.guard"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    member_ids = fields.Many2many(
        "res.users",
        "vip_complaint_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="The agents who take the team's complaints; members marked "
        "unavailable are skipped by the automatic assignment.",
    )
    category_ids = fields.Many2many(
        "vip.complaint.category",
        "vip_complaint_team_category_rel",
        "team_id",
        "category_id",
        string="Categories",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="Complaints of these categories are given to this team at intake.",
    )
    assign_method = fields.Selection(
        ASSIGN_METHODS,
        "Assignment",
        required=True,
        default="round_robin",
        tracking=True,
        help="Manual: the team gets the complaint, a person takes it. Round robin: "
        "the next available member after the last one assigned. Balanced: the "
        "available member with the lightest load of open complaints, each weighing "
        "its priority (a VIP complaint weighs more).",
    )
    last_member_id = fields.Many2one(
        "res.users",
        "Last Assigned",
        readonly=True,
        copy=False,
        help="The member the last automatic assignment chose: round robin goes on "
        "after them.",
    )
    color = fields.Integer()
    complaint_ids = fields.One2many("vip.complaint", "team_id", "Complaints")
    open_complaint_count = fields.Integer("Open Complaints", compute="_compute_load")
    unassigned_count = fields.Integer("Unassigned", compute="_compute_load")
    available_count = fields.Integer("Available Members", compute="_compute_load")
    load_html = fields.Html(
        "Load per Member",
        compute="_compute_load",
        sanitize=False,
        help="Open complaints of each member (all teams), and their weighted load.",
    )

    @api.depends("member_ids", "member_ids.vip_available")
    def _compute_load(self):
        members = self.member_ids
        loads = self._vip_member_loads(members)
        # sudo: the team's figures count every open complaint of its members and
        # of the team, whoever reads the team
        Complaint = self.env["vip.complaint"].sudo()
        open_counts = defaultdict(int)
        unassigned = defaultdict(int)
        for team, user, count in Complaint._read_group(
            [("team_id", "in", self.ids), ("state", "in", VIP_COMPLAINT_OPEN_STATES)],
            ["team_id", "user_id"],
            ["__count"],
        ):
            open_counts[team] += count
            if not user:
                unassigned[team] += count
        for team in self:
            team.open_complaint_count = open_counts[team]
            team.unassigned_count = unassigned[team]
            team.available_count = len(team.member_ids.filtered("vip_available"))
            rows = []
            for member in team.member_ids.sorted("id"):
                count, weight = loads.get(member.id, (0, 0))
                state = (
                    self.env._("available")
                    if member.vip_available
                    else self.env._("away")
                )
                rows.append(
                    Markup(
                        '<div class="d-flex gap-2 %s"><span class="flex-grow-1">%s'
                        ' <small class="text-muted">(%s)</small></span>'
                        '<span title="%s">%s</span><span class="text-muted"'
                        ' title="%s">%s</span></div>'
                    )
                    % (
                        "" if member.vip_available else "text-muted",
                        member.name,
                        state,
                        self.env._("Open complaints"),
                        count,
                        self.env._("Weighted load"),
                        weight,
                    )
                )
            team.load_html = Markup("").join(rows) or escape(
                self.env._("No member yet.")
            )

    @api.constrains("category_ids", "company_id", "active")
    def _check_category_once(self):
        """A category goes to one team per company: intake must know which."""
        teams = self.search(
            [
                ("company_id", "in", self.company_id.ids),
                ("category_ids", "in", self.category_ids.ids),
            ]
        )
        for team in self.filtered("active"):
            for other in teams - team:
                shared = team.category_ids & other.category_ids
                if other.company_id == team.company_id and shared:
                    raise ValidationError(
                        self.env._(
                            "Categories: %(categories)s already go to the team "
                            "%(other)s; a category belongs to one team per company.",
                            categories=", ".join(shared.mapped("display_name")),
                            other=other.display_name,
                        )
                    )

    # ------------------------------------------------------------------
    # business: who takes the next complaint
    # ------------------------------------------------------------------

    @api.model
    def _vip_team_for(self, category, company):
        """The active team of ``company`` that takes complaints of ``category``."""
        if not category or not company:
            return self.browse()
        # sudo: the routing applies whoever registers the complaint (portal, mail)
        return self.sudo().search(
            [("category_ids", "in", category.ids), ("company_id", "=", company.id)],
            limit=1,
        )

    @api.model
    def _vip_member_loads(self, users):
        """{user id: (open complaints, weighted load)}: each open complaint of the
        user (any team) weighs its priority plus one, so a VIP complaint counts
        more than a plain one. One grouped query."""
        if not users:
            return {}
        loads = defaultdict(lambda: [0, 0])
        # sudo: an agent's load counts all its open complaints
        for user, priority, count in (
            self.env["vip.complaint"]
            .sudo()
            ._read_group(
                [
                    ("user_id", "in", users.ids),
                    ("state", "in", VIP_COMPLAINT_OPEN_STATES),
                ],
                ["user_id", "priority"],
                ["__count"],
            )
        ):
            loads[user.id][0] += count
            loads[user.id][1] += count * ((priority or 0) + 1)
        return {user_id: tuple(values) for user_id, values in loads.items()}

    def _vip_available_members(self):
        self.ensure_one()
        return self.member_ids.filtered(lambda u: u.vip_available and u.active)

    def _vip_lock(self):
        """Lock the team row until the transaction ends: two intakes at the same
        moment pick one after the other. Under Odoo's repeatable read, the
        second one fails with a serialization error once the first commits and
        is retried (RPC layer, mail gateway), then sees the first one's pick."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR NO KEY UPDATE",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )

    def _vip_pick_members(self, count=1, weights=()):
        """The members given the next ``count`` complaints of the team, by its
        method (none for a manual team or when nobody is available), and the
        last member recorded on the team. ``weights``: the priority plus one of
        each complaint, for the balanced load."""
        self.ensure_one()
        team = self.sudo()
        if team.assign_method == "manual":
            return [self.env["res.users"]] * count
        available = team._vip_available_members().sorted("id")
        if not available:
            return [self.env["res.users"]] * count
        team._vip_lock()
        team.invalidate_recordset(["last_member_id"])
        last_id = team.last_member_id.id or 0
        loads = {}
        if team.assign_method == "balanced":
            self.env["vip.complaint"].flush_model(["user_id", "state", "priority"])
            loads = {
                user_id: weighted
                for user_id, (_count, weighted) in self._vip_member_loads(
                    available
                ).items()
            }
        picks = []
        for index in range(count):
            # the turn: members after the last one assigned, then from the start
            turn = sorted(available, key=lambda u, last=last_id: (u.id <= last, u.id))
            if team.assign_method == "balanced":
                # lightest load first; equal loads in turn
                member = min(
                    turn, key=lambda u, order=turn: (loads.get(u.id, 0), order.index(u))
                )
                weight = weights[index] if index < len(weights) else 1
                loads[member.id] = loads.get(member.id, 0) + weight
            else:
                member = turn[0]
            picks.append(member)
            last_id = member.id
        # sudo: the turn is the engine's, whoever registers the complaint
        team.write({"last_member_id": last_id})
        return picks
