from odoo import api, models, tools
from odoo.exceptions import UserError

MODULE = "partner_vip_care"


class VipWorkflowGuard(models.AbstractModel):
    """Fields that only a model's actions and crons write.

    Guarded: every read-only field this module declares on the model (stored or
    not, computed or related), plus the names in ``_vip_workflow_fields``
    (``state`` and the like, which the form shows as a status bar). Anyone but the
    superuser mode (``env.su``, reached only from server code) writing one gets a
    UserError naming the field; the actions check the caller's rights, then write
    through :meth:`_vip_workflow_write`. Privilege never comes from the context,
    which any RPC client can send."""

    _name = "vip.workflow.guard"
    _description = "VIP Care: fields only the workflow writes"

    # model-specific workflow fields that are not declared read-only
    _vip_workflow_fields = ()
    # guarded fields a creation may still set (e.g. when the phone call came in)
    _vip_create_fields = ()

    @api.model
    @tools.ormcache()
    def _vip_guarded_fields(self):
        own_model = self._original_module == MODULE
        names = {
            name
            for name, field in self._fields.items()
            if field.readonly
            and field._module == MODULE
            and (own_model or name.startswith("vip_"))
        }
        return frozenset(names | set(self._vip_workflow_fields))

    @api.model
    def _vip_check_workflow_vals(self, vals_list, create=False):
        """Refuse the guarded fields in ``vals_list`` unless in superuser mode. At
        creation, empty values and the ``_vip_create_fields`` are accepted."""
        if self.env.su:
            return
        guarded = self._vip_guarded_fields()
        for vals in vals_list:
            for fname in guarded & vals.keys():
                if create and (not vals[fname] or fname in self._vip_create_fields):
                    continue
                default = self._fields[fname].default
                if create and default and vals[fname] == default(self):
                    continue
                raise UserError(
                    self.env._(
                        "%(model)s: the field “%(field)s” is set by the workflow "
                        "(its buttons and scheduled jobs) and cannot be written "
                        "directly.",
                        model=self._description,
                        field=self._fields[fname]._description_string(self.env),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._vip_check_workflow_vals(vals_list, create=True)
        return super().create(vals_list)

    def write(self, vals):
        self._vip_check_workflow_vals([vals])
        return super().write(vals)

    def _vip_check_state(self, allowed, action):
        """Refuse ``action`` (a verb: "submit", "plan"…) unless every record is in
        one of the ``allowed`` states."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for record in self:
            if record.state not in allowed:
                raise UserError(
                    self.env._(
                        "%(record)s is %(state)s: you cannot %(action)s it.",
                        record=record.display_name,
                        state=labels[record.state],
                        action=action,
                    )
                )

    def _vip_workflow_write(self, vals):
        """Write workflow fields for an action that checked the caller's rights:
        the caller must still be allowed to write these records."""
        self.check_access("write")
        # sudo: the guarded fields are the workflow's, the rights were checked above
        return self.sudo().write(vals)
