from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.vip_complaint_sla import SLA_STATES
from ..tools.moments import format_moment

DECIDED_STATES = ("met", "met_late", "breached")

# field of the complaint -> field of the wizard holding its new value
CORRECTABLE = {
    "response_sla_state": "new_sla_state",
    "resolution_sla_state": "new_sla_state",
    "escalation_level": "new_level",
    "response_deadline": "new_datetime",
    "resolution_deadline": "new_datetime",
    "responded_on": "new_datetime",
    "resolved_on": "new_datetime",
}


class VipComplaintSlaCorrection(models.TransientModel):
    _name = "vip.complaint.sla.correction"
    _description = "Correct an SLA Result"

    complaint_id = fields.Many2one("vip.complaint", required=True, ondelete="cascade")
    field_name = fields.Selection(
        "_selection_field_name", "Field", required=True, default="response_sla_state"
    )
    value_kind = fields.Char(compute="_compute_value_kind")
    current_value = fields.Char(compute="_compute_value_kind")
    new_sla_state = fields.Selection(SLA_STATES, "New SLA State")
    new_level = fields.Integer("New Escalation Level")
    new_datetime = fields.Datetime("New Date")
    reason = fields.Text(required=True)

    @api.model
    def _selection_field_name(self):
        fields_ = self.env["vip.complaint"]._fields
        return [
            (fname, fields_[fname]._description_string(self.env))
            for fname in CORRECTABLE
        ]

    @api.depends("field_name", "complaint_id")
    def _compute_value_kind(self):
        for wizard in self:
            wizard.value_kind = CORRECTABLE.get(wizard.field_name)
            wizard.current_value = wizard._display_value(
                wizard.complaint_id[wizard.field_name] if wizard.field_name else False
            )

    def _display_value(self, value):
        field = self.env["vip.complaint"]._fields.get(self.field_name)
        if field is None or value in (False, None):
            return "-"
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value)
        if field.type == "datetime":
            return format_moment(self.env, value)
        return str(value)

    def action_confirm(self):
        self.ensure_one()
        self.complaint_id.action_correct_sla(
            self.field_name, self[CORRECTABLE[self.field_name]], self.reason
        )
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _vip_apply(self, complaint, field_name, value, reason):
        """Write the corrected value and log who changed what and why."""
        if not self.env.user.has_group("partner_vip_care.group_vip_admin"):
            raise AccessError(
                self.env._("Only VIP Care administrators can correct an SLA result.")
            )
        if field_name not in CORRECTABLE:
            raise UserError(
                self.env._(
                    "Field: %(field)s is not an SLA result that can be corrected.",
                    field=field_name,
                )
            )
        if not (reason or "").strip():
            raise UserError(self.env._("Reason: say why the SLA result is corrected."))
        if field_name == "escalation_level" and value not in (0, 1, 2):
            raise UserError(self.env._("New Escalation Level: 0, 1 or 2."))
        # the note is written for the complaint's reader (see _vip_reader_env)
        reader = complaint._vip_reader_env()
        wizard = self.with_env(reader).new({"field_name": field_name})
        old = wizard._display_value(complaint[field_name])
        if field_name.endswith("_sla_state"):
            self._vip_append_correction(
                complaint, field_name.removesuffix("_sla_state"), value, reason
            )
        else:
            complaint._vip_workflow_write({field_name: value or False})
            self._vip_move_running_deadline(complaint, field_name)
        new = wizard._display_value(complaint[field_name])
        label = complaint._fields[field_name]._description_string(reader)
        complaint.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                reader._(
                    "SLA result corrected by %(user)s: %(field)s %(old)s → %(new)s.",
                    user=self.env.user.name,
                    field=label,
                    old=old,
                    new=new,
                ),
                reader._("Reason: %(reason)s", reason=reason.strip()),
            ),
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _vip_append_correction(self, complaint, clock, value, reason):
        """A correcting row for each row of the ``clock`` that counts; the rows
        corrected stay in the history, their breach included."""
        if value not in DECIDED_STATES:
            raise UserError(
                self.env._(
                    "New SLA State: a correction sets a result: Met, Met Late or "
                    "Breached."
                )
            )
        rows = complaint.sla_milestone_ids._vip_effective().filtered(
            lambda m: m.clock == clock
        )
        if not rows:
            raise UserError(
                self.env._(
                    "%(name)s has no %(clock)s SLA recorded: there is nothing to "
                    "correct.",
                    name=complaint.name,
                    clock=dict(rows._fields["clock"]._description_selection(self.env))[
                        clock
                    ],
                )
            )
        now = fields.Datetime.now()
        # sudo: only the SLA clock writes the history; the right to correct was
        # checked above
        rows.sudo().create(
            [
                {
                    "complaint_id": complaint.id,
                    "clock": clock,
                    "cycle": row.cycle,
                    "start": row.start,
                    "deadline": row.deadline,
                    "completed_on": row.completed_on or now,
                    "state": value,
                    "breached_on": (row.breached_on or row.deadline or now)
                    if value != "met"
                    else False,
                    "correction_of_id": row.id,
                    "corrected_by_id": self.env.user.id,
                    "reason": reason.strip(),
                }
                for row in rows
            ]
        )

    @api.model
    def _vip_move_running_deadline(self, complaint, field_name):
        """A corrected deadline applies to the clock still running."""
        clock = {
            "response_deadline": "response",
            "resolution_deadline": "resolution",
        }.get(field_name)
        milestone = complaint._sla_open_milestone(clock) if clock else False
        if milestone and not milestone.breached_on and complaint[field_name]:
            # sudo: see above
            milestone.sudo().write({"deadline": complaint[field_name]})
