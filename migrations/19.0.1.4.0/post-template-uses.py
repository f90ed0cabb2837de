from odoo.tools.sql import column_exists


def migrate(cr, version):
    """``mail.template.vip_use_count`` is no longer a counter column that every
    send updated: it adds up the use log (``vip.template.use``). The counts
    reached so far become one log row per template, dated at the upgrade, and
    the column goes."""
    if not column_exists(cr, "mail_template", "vip_use_count"):
        return
    cr.execute(
        """
        INSERT INTO vip_template_use
               (template_id, use_count, create_uid, create_date, write_uid, write_date)
        SELECT id, vip_use_count, 1, now() AT TIME ZONE 'UTC',
               1, now() AT TIME ZONE 'UTC'
          FROM mail_template
         WHERE vip_use_count > 0
        """
    )
    cr.execute("ALTER TABLE mail_template DROP COLUMN vip_use_count")
