from markupsafe import Markup

from odoo import Command, api, fields, models

from ..tools.moments import format_moment

SLA_AT_RISK = "partner_vip_care.mail_activity_type_vip_sla_at_risk"
SLA_BREACH = "partner_vip_care.mail_activity_type_vip_sla_breach"


class VipComplaint(models.Model):
    """Who hears of what the SLA clock found, and how: one note per complaint,
    activities for the responsible and the escalation targets, one grouped mail
    per person notified, each in its reader's language."""

    _inherit = "vip.complaint"

    def _vip_sla_notice(self, at_risk, breached, levels, managers):
        """What to tell whom about this complaint once its due values are written:
        (complaint, note lines in a language: ``lines(lang)``, activities as (type,
        user, index of its line, moment), partners notified, new followers)."""
        self.ensure_one()
        activities = []
        notified = followers = self.env["res.partner"]
        for index, kind in enumerate(at_risk):  # one warning per clock, whenever
            if kind in breached:
                continue  # breached in the same run: the breach takes over
            user = self.user_id or self._vip_escalation_target()
            activities.append(
                (SLA_AT_RISK, user, index, self[f"{kind}_deadline"], kind)
            )
        now = fields.Datetime.now()
        target = (self._vip_escalation_target() or managers)[:1]
        if 1 in levels:
            activities.append((SLA_BREACH, target, len(at_risk), now, False))
            notified |= target.partner_id
        if 2 in levels:
            activities.append(
                (SLA_BREACH, managers[:1], len(at_risk) + (1 in levels), now, False)
            )
            notified |= managers.partner_id
            followers |= managers[1:].partner_id
        texts = {}

        def lines(lang, tz=None):
            """The note lines in ``lang`` (moments in ``tz`` when given), built once
            per language and time zone."""
            key = (lang, tz)
            if key not in texts:
                context = {"lang": lang, "tz": tz} if tz else {"lang": lang}
                texts[key] = self.with_context(**context)._vip_sla_lines(
                    at_risk, breached, levels, managers, target
                )
            return texts[key]

        return self, lines, activities, notified, followers

    def _vip_sla_lines(self, at_risk, breached, levels, managers, target):
        """The note lines of ``_vip_sla_notice`` in the context's language: one
        per clock at risk, then one per level reached."""
        tz = self.env.context.get("tz")  # the reader's, for display only
        labels = {
            "response": self.env._("response"),
            "resolution": self.env._("resolution"),
        }
        lines = [
            self.env._(
                "The %(kind)s deadline %(deadline)s is at risk.",
                kind=labels[kind],
                deadline=format_moment(self.env, self[f"{kind}_deadline"], tz=tz),
            )
            for kind in at_risk
        ]
        if 1 in levels:
            kinds = [
                kind
                for kind in self._vip_sla_open_kinds()
                if self._sla_live_state(kind) == "breached"
            ] or ["response"]
            lines.append(
                self.env._(
                    "%(name)s breached its %(kind)s deadline %(deadline)s (customer "
                    "%(customer)s): escalated to %(target)s.",
                    name=self.name,
                    kind=", ".join(labels[k] for k in kinds),
                    deadline=format_moment(
                        self.env, self[f"{kinds[0]}_deadline"], tz=tz
                    ),
                    customer=self.partner_id.display_name or "-",
                    target=target.name or "-",
                )
            )
        if 2 in levels:
            lines.append(
                self.env._(
                    "%(name)s is still breached one full SLA period after its "
                    "deadline: escalated to the VIP managers %(managers)s.",
                    name=self.name,
                    managers=", ".join(managers.mapped("name")) or "-",
                )
            )
        if breached and not levels:
            lines.append(
                self.env._(
                    "The %(kind)s deadline is breached (already escalated).",
                    kind=", ".join(labels[k] for k in breached),
                )
            )
        return lines

    @api.model
    def _vip_sla_notify(self, notices):
        """Activities in one create, notes logged in batches of the same
        recipients, followers added per group, one mail per person notified.
        Notes are in the language of the complaint's reader (its responsible,
        else the company; see ``_vip_reader_env``), each activity in its assignee's,
        each mail in its recipient's, moments in the reader's time zone (the
        company's for people who have none)."""
        model_id = self.env["ir.model"]._get_id(self._name)
        activity_vals, seen = [], set()
        groups, followers, mails = {}, {}, {}
        envs = {}
        for complaint, lines, activities, notified, new_followers in notices:
            activity_vals += self._vip_sla_notice_activities(
                complaint, lines, activities, model_id, seen, envs
            )
            reader = complaint._vip_reader_env()
            body = Markup("<br/>").join(
                Markup("%s") % line for line in lines(reader.lang, reader.context["tz"])
            )
            groups.setdefault(notified, {})[complaint.id] = body
            if new_followers:
                followers[new_followers] = (
                    followers.get(new_followers, self.browse()) | complaint
                )
            for partner in notified:
                mails.setdefault(partner, []).append(
                    (
                        complaint,
                        lines(
                            self._vip_lang_env(envs, partner.lang).lang,
                            partner.tz or complaint.company_id._vip_tz(),
                        ),
                    )
                )
        self._vip_sla_post(activity_vals, groups, followers, mails)

    @api.model
    def _vip_lang_env(self, envs, lang):
        """The environment in ``lang`` (else the current language), cached in
        ``envs``."""
        lang = lang or self.env.lang
        if lang not in envs:
            envs[lang] = self.with_context(lang=lang).env
        return envs[lang]

    @api.model
    def _vip_sla_notice_activities(
        self, complaint, lines, activities, model_id, seen, envs
    ):
        """The activity values of one notice of ``complaint``, each in its
        assignee's language and time zone: one breach activity per person, one
        warning per clock (``seen`` holds the keys already planned)."""
        vals_list = []
        for xmlid, user, index, deadline, clock in activities:
            key = (complaint.id, user.id, xmlid, xmlid == SLA_AT_RISK and index)
            if not user or key in seen:
                continue
            seen.add(key)
            env = self._vip_lang_env(envs, user.lang)
            tz = user.tz or complaint.company_id._vip_tz()
            summary = lines(env.lang, tz)[index]
            vals_list.append(
                dict(
                    complaint._vip_sla_activity_vals(
                        env(context=dict(env.context, tz=tz)),
                        model_id,
                        xmlid,
                        user,
                        summary,
                        deadline,
                    ),
                    vip_sla_clock=clock,
                )
            )
        return vals_list

    def _vip_sla_activity_vals(self, env, model_id, xmlid, user, summary, deadline):
        """An SLA activity of this complaint for ``user``, in ``env``'s language
        and time zone."""
        self.ensure_one()
        return {
            "res_model_id": model_id,
            "res_id": self.id,
            "activity_type_id": self.env.ref(xmlid).id,
            "user_id": user.id,
            # the assignee's day of the deadline
            "date_deadline": fields.Date.context_today(self.with_env(env), deadline),
            "summary": summary
            if xmlid == SLA_AT_RISK
            else env._("SLA breach: %s", self.name),
            "note": Markup("<p>%s</p>") % summary,
            "automated": True,
        }

    @api.model
    def _vip_sla_post(self, activity_vals, groups, followers, mails):
        """Create the activities at once, log the notes per group of recipients,
        add the followers per group and send the grouped mails."""
        # the recipients hear of it once, in the grouped mail below
        Activity = self.env["mail.activity"].with_context(
            mail_activity_quick_update=True
        )
        # sudo: activities for the escalation contacts and managers, not the caller
        Activity.sudo().create(activity_vals)
        for notified, bodies in groups.items():
            self.browse(list(bodies))._message_log_batch(
                bodies=bodies, partner_ids=notified.ids
            )
        for partners, complaints in followers.items():
            complaints.message_subscribe(partner_ids=partners.ids)
        self._vip_sla_send_digests(mails)

    @api.model
    def _vip_sla_send_digests(self, mails):
        """One mail per person notified, in their language, listing the complaints
        escalated to them in this run: {partner: [(complaint, note lines)]}."""
        vals_list = []
        for partner, items in mails.items():
            env = self.with_context(lang=partner.lang or self.env.lang).env
            body = env["ir.qweb"]._render(
                "partner_vip_care.vip_sla_escalation_mail_body",
                {"items": items, "base_url": items[0][0].get_base_url()},
            )
            company = items[0][0].company_id
            vals_list.append(
                {
                    "subject": env._(
                        "SLA breaches: %(count)s complaint(s) escalated to you",
                        count=len(items),
                    ),
                    "body_html": body,
                    "email_from": company.email_formatted
                    or self.env.ref("base.partner_root").email_formatted,
                    "recipient_ids": [Command.link(partner.id)],
                    "auto_delete": True,
                }
            )
        # sudo: the job's mail queue, whoever runs the SLA check
        self.env["mail.mail"].sudo().create(vals_list)

    def _vip_close_risk_activities(self, kinds):
        """The at-risk warnings of the ``kinds`` clocks are over: the clock
        stopped (answered, resolved, cancelled) or breached (the breach note and
        activity take over). They leave the responsible's to-do without a note
        of their own (the chatter already says what happened)."""
        if not self:
            return
        # sudo: the warnings belong to the responsible, whoever stops the clock
        self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", self.env.ref(SLA_AT_RISK).id),
                ("vip_sla_clock", "in", list(kinds)),
            ]
        ).unlink()
