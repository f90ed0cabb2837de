from odoo import SUPERUSER_ID, api

# the shipped complaint mails (noupdate: an administrator may have edited them)
TEMPLATES = (
    "mail_template_vip_complaint_ack",
    "mail_template_vip_answer_product",
    "mail_template_vip_answer_delivery",
    "mail_template_vip_answer_billing",
    "mail_template_vip_answer_service",
    "mail_template_vip_answer_other",
)
OLD = (
    "format_datetime(object.{field}, tz=object.partner_id.tz or "
    "object.calendar_id.tz or 'UTC', dt_format='medium')"
)
NEW = "format_moment(object.{field}, object._vip_customer_tz())"


def migrate(cr, version):
    """One clock: the shipped complaint mails show their deadlines as the
    customer reads them (its time zone, else the complaint's working hours' or
    the company's; its language's date format; no seconds). Only the deadline
    expressions change, in every language, whatever else an administrator
    edited; a new database gets the templates that also never promise a past
    deadline."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in TEMPLATES:
        template = env.ref(f"partner_vip_care.{xmlid}", raise_if_not_found=False)
        if not template:
            continue
        cr.execute("SELECT body_html FROM mail_template WHERE id = %s", [template.id])
        values = cr.fetchone()[0] or {}
        changed = {}
        for lang, body in values.items():
            new = body
            for field in ("response_deadline", "resolution_deadline"):
                new = new.replace(OLD.format(field=field), NEW.format(field=field))
            if new != body:
                changed[lang] = new
        if changed:
            template.update_field_translations("body_html", changed)
