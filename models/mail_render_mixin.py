from odoo import api, models

from ..tools.moments import format_day, format_moment


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _render_eval_context(self):
        """Templates get ``format_moment(dt, tz)``: a moment in the recipient's
        language (the rendering language) and the given time zone, without
        seconds; ``format_day(date)`` a date in the language's format."""
        render_context = super()._render_eval_context()
        render_context["format_moment"] = lambda value, tz=False: format_moment(
            self.env, value, tz=tz or "UTC"
        )
        render_context["format_day"] = lambda value: format_day(self.env, value)
        return render_context
