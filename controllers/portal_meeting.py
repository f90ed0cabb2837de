"""The customer's meeting invitations on the portal, and its answers to them."""

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.http import request

from odoo.addons.partner_vip_care.models.vip_meeting_attendee import (
    ANSWERABLE_STATES,
)

from .portal import VipCustomerPortal


class VipMeetingPortal(VipCustomerPortal):
    @http.route(
        ["/my/vip/meetings", "/my/vip/meetings/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_vip_meetings(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        values.update(self._vip_notice(kw.get("notice")))
        # sudo: portal users have no rights on meetings; the customer's invitations
        values.update(
            self._vip_list_values(
                request.env["vip.meeting.attendee"].sudo(),
                "/my/vip/meetings",
                page,
                "meeting_start desc, id desc",
                domain=self._vip_attendee_domain(),
            ),
            page_name="vip_meetings",
        )
        attendees = values.pop("records")
        answerable = self._vip_answerable(attendees)
        values.update(
            attendees=attendees,
            answerable=answerable,
            why_not={
                attendee.id: self._vip_why_not_answerable(attendee)
                for attendee in attendees - answerable
            },
        )
        return request.render("partner_vip_care.portal_my_vip_meetings", values)

    def _vip_why_not_answerable(self, attendee):
        """Why the user cannot answer this invitation, in a sentence (or False
        when there is nothing to answer anymore: attended, absent)."""
        user_partner = request.env.user.partner_id
        if attendee.partner_id not in (
            user_partner | user_partner.commercial_partner_id
        ):
            return request.env._(
                "Addressed to %(name)s: only they can answer it, from their own "
                "account or from the invitation e-mail.",
                name=attendee.partner_id.name,
            )
        if attendee.state not in ANSWERABLE_STATES:
            return False
        return request.env._(
            "The meeting has started or is no longer planned: it cannot be "
            "answered anymore."
        )

    def _vip_answerable(self, attendees):
        """Invitations the user may answer: its own, or the customer company's
        when the company itself was invited; only before a planned meeting."""
        user_partner = request.env.user.partner_id
        now = fields.Datetime.now()
        return attendees.filtered(
            lambda a: (
                a.partner_id in (user_partner | user_partner.commercial_partner_id)
                and a.meeting_id.state == "planned"
                and a.meeting_id.start > now
                and a.state in ANSWERABLE_STATES
            )
        )

    @http.route(
        "/my/vip/meetings/<int:attendee_id>/<string:answer>",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        csrf=False,  # checked below, to answer a stale form with a message
    )
    def portal_my_vip_meeting_answer(self, attendee_id, answer, **post):
        if answer not in ("accept", "decline"):
            raise NotFound()
        # within the customer's own invitations
        attendee = self._vip_record_or_404(
            "vip.meeting.attendee", attendee_id, domain=self._vip_attendee_domain()
        )

        def answer_invitation():
            self._vip_answer_invitation(attendee, answer)
            return "accepted" if answer == "accept" else "declined"

        notice = self._vip_action_notice(
            post, self._vip_answerable(attendee), answer_invitation
        )
        return request.redirect(f"/my/vip/meetings?notice={notice}")

    def _vip_answer_invitation(self, attendee, answer):
        """Answer on the calendar invitation (the module copies it back to the
        meeting attendee); without an event, on the attendee itself."""
        event = attendee.meeting_id.calendar_event_id
        # sudo: the invitee's own answer on its invitation
        invitation = (
            request.env["calendar.attendee"]
            .sudo()
            .search(
                [
                    ("event_id", "=", event.id),
                    ("partner_id", "=", attendee.partner_id.id),
                ],
                limit=1,
            )
            if event
            else request.env["calendar.attendee"]
        )
        if invitation:
            if answer == "accept":
                invitation.do_accept()
            else:
                invitation.do_decline()
        else:
            # sudo: the answer is the workflow's state of the invitee's attendee
            attendee.sudo()._vip_workflow_write(
                {"state": "accepted" if answer == "accept" else "declined"}
            )
