def migrate(cr, version):
    """The people on each promise (issue 21): whoever is or was its promiser (the
    current one, the tracked former ones) and its creator, so that none of them
    approves a promise that waits for approval. One statement, any size."""
    cr.execute(
        """
        INSERT INTO vip_promise_ledger_user_rel (promise_id, user_id)
        SELECT people.promise_id, people.user_id
          FROM (
                SELECT id AS promise_id, user_id FROM vip_promise
                 UNION
                SELECT id, create_uid FROM vip_promise
                 UNION
                SELECT message.res_id, value.old_value_integer
                  FROM mail_tracking_value value
                  JOIN mail_message message ON message.id = value.mail_message_id
                  JOIN ir_model_fields field ON field.id = value.field_id
                 WHERE message.model = 'vip.promise'
                   AND field.model = 'vip.promise'
                   AND field.name = 'user_id'
               ) people
          JOIN vip_promise promise ON promise.id = people.promise_id
          JOIN res_users users ON users.id = people.user_id
        ON CONFLICT DO NOTHING
        """
    )
