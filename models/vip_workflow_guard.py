from collections import defaultdict

from odoo import Command, api, models, tools
from odoo.exceptions import AccessError, UserError

MODULE = "partner_vip_care"
# The module's documents: linking anything to one of them (a meeting's attendee,
# a promise's complaint, a suggestion's visit…) needs the right to modify it.
LINK_TARGETS = frozenset(
    ("vip.complaint", "vip.promise", "vip.suggestion", "vip.visit", "vip.meeting")
)


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

    @api.model
    @tools.ormcache()
    def _vip_link_fields(self):
        """Stored many2one and many2many fields pointing at the module's documents
        (``LINK_TARGETS``) that a caller may set. One2many links write the target
        itself, which the ORM already checks."""
        return frozenset(
            name
            for name, field in self._fields.items()
            if field.type in ("many2one", "many2many")
            and field.comodel_name in LINK_TARGETS
            and field.store
            and not field.compute
        )

    def _vip_check_links(self, vals):
        """Refuse new links in ``vals`` to documents the caller may not modify,
        unless in superuser mode (server code)."""
        if self.env.su:
            return
        targets = defaultdict(set)
        # sudo: the current links, to check only the new ones
        current = self.sudo()
        for fname in self._vip_link_fields() & vals.keys():
            field = self._fields[fname]
            ids = set(_linked_ids(field.type, vals[fname]))
            targets[field.comodel_name] |= ids - set(current.mapped(fname).ids)
        for model, ids in targets.items():
            self.env[model].browse(sorted(ids))._vip_check_linkable()

    @api.model
    def _vip_check_new_links(self, vals_list):
        """The links of records about to be created, with the defaults the
        creation adds (context defaults, default methods): checked before, since
        a new link may itself grant the rights (an attendee opens a meeting to
        the salesperson of its customer)."""
        if self.env.su:
            return
        fnames = self._vip_link_fields()
        missing = {fname for vals in vals_list for fname in fnames - vals.keys()}
        defaults = self.default_get(sorted(missing)) if missing else {}
        for vals in vals_list:
            self._vip_check_links({**defaults, **vals})

    def _vip_check_linkable(self):
        """Raise unless the user may modify each of these records; the records
        the user cannot read (or that do not exist) are refused by id only."""
        readable = self.exists()._filtered_access("read")
        writable = readable._filtered_access("write")
        for record in self:
            if record not in readable:
                raise AccessError(
                    self.env._(
                        "You cannot link to this record (id %(id)s): you have no "
                        "access to it.",
                        id=record.id,
                    )
                )
            if record not in writable:
                raise AccessError(
                    self.env._(
                        "You cannot link to %(record)s: you are not allowed to "
                        "modify it.",
                        record=record.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._vip_check_workflow_vals(vals_list, create=True)
        self._vip_check_new_links(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._vip_check_workflow_vals([vals])
        self._vip_check_links(vals)
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


def _linked_ids(field_type, value):
    """Ids a many2one value or a list of many2many commands links to (records
    created by the commands are new, and updated ones checked by the ORM)."""
    if isinstance(value, models.BaseModel):
        return value.ids
    if field_type == "many2one":
        return [value] if isinstance(value, int) and value else []
    ids = []
    for command in value or ():
        if isinstance(command, int):
            ids.append(command)
        elif isinstance(command, (list, tuple)) and command:
            if command[0] == Command.LINK and len(command) > 1:
                ids.append(command[1])
            elif command[0] == Command.SET and len(command) > 2:
                ids.extend(command[2] or ())
    return [id_ for id_ in ids if isinstance(id_, int) and id_]
