from odoo import models

MODULE = "partner_vip_care"


class MailTrackingValue(models.Model):
    """Status changes read in the reader's language.

    Odoo stores a tracked selection as the label in the writer's language, so a
    state changed by a Simplified Chinese colleague (or by a cron) would show in
    Simplified to a Traditional Chinese reader. For the module's selection fields
    the stored label is mapped back to its key and shown in the reader's
    language."""

    _inherit = "mail.tracking.value"

    def _tracking_value_format_model(self, model):
        formatted = super()._tracking_value_format_model(model)
        if not model or model not in self.env:
            return formatted
        Model = self.env[model]
        by_id = {tracking.id: tracking for tracking in self}
        labels = {}
        for values in formatted:
            tracking = by_id.get(values["id"])
            field = tracking and Model._fields.get(tracking.field_id.name)
            if not field or field.type != "selection" or field._module != MODULE:
                continue
            if field.name not in labels:
                labels[field.name] = self._vip_selection_labels(Model, field)
            to_key, to_label = labels[field.name]
            for side in ("newValue", "oldValue"):
                key = to_key.get(values[side])
                if key is not None:
                    values[side] = to_label[key]
        return formatted

    def _vip_selection_labels(self, Model, field):
        """({label in any active language: key}, {key: label in the reader's})."""
        to_key = {}
        for code, _name in self.env["res.lang"].get_installed():
            env = Model.with_context(lang=code).env
            for key, label in field._description_selection(env):
                to_key.setdefault(label, key)
        to_label = dict(field._description_selection(self.env))
        return to_key, to_label
