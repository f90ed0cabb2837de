"""The customer's meeting invitations on the portal, and its answers to them."""

from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager

from . import portal_input
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
        page = portal_input.parse_page(page)
        values.update(self._vip_notice(kw.get("notice")))
        # sudo: portal users have no rights on meetings; the customer's invitations
        Attendee = request.env["vip.meeting.attendee"].sudo()
        domain = self._vip_attendee_domain()
        pager = portal_pager(
            url="/my/vip/meetings",
            total=Attendee.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        attendees = Attendee.search(
            domain,
            order="meeting_start desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values.update(
            attendees=attendees,
            answerable=self._vip_answerable(attendees),
            page_name="vip_meetings",
            pager=pager,
        )
        return request.render("partner_vip_care.portal_my_vip_meetings", values)

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
                and a.state in ("invited", "accepted", "declined")
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
        attendee_id = self._vip_check_id(attendee_id)
        if answer not in ("accept", "decline"):
            raise NotFound()
        # sudo: within the customer's own invitations
        attendee = (
            request.env["vip.meeting.attendee"]
            .sudo()
            .search(
                Domain(self._vip_attendee_domain()) & Domain("id", "=", attendee_id),
                limit=1,
            )
        )
        if not attendee:
            raise NotFound()
        if not self._vip_csrf_ok(post):
            notice = "csrf"
        elif not self._vip_answerable(attendee):
            notice = "state"
        else:
            self._vip_answer_invitation(attendee, answer)
            notice = "accepted" if answer == "accept" else "declined"
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
