import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("partner_vip_care_visit_tour", {
    url: "/odoo/vip-customers",
    steps: () => [
        {
            content: "The customer sits in its tier's column, marked overdue",
            trigger:
                ".o_kanban_group:contains('Gold') .o_kanban_record:contains('Tour Harbour Ltd'):contains('Visit overdue')",
            run: "click",
        },
        {
            content: "Open the VIP Care page",
            trigger: ".o_notebook .nav-link:contains('VIP Care')",
            run: "click",
        },
        {
            content: "The next visit is shown",
            trigger: ".o_field_widget[name='vip_next_visit_date']:not(:empty)",
        },
        {
            content: "Log a visit",
            trigger: "button[name='action_vip_log_visit']",
            run: "click",
        },
        {
            content: "Summarise the visit",
            trigger: ".modal .o_field_widget[name='summary'] input",
            run: "edit Tour quarterly review",
        },
        {
            content: "Save the visit",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The visit is listed among the last visits",
            trigger:
                "body:not(:has(.modal)) .o_field_widget[name='vip_visit_ids'] .o_data_row:contains('Tour quarterly review')",
        },
        {
            content: "The overdue marker is gone",
            trigger: ".o_form_view:not(:has(.badge:contains('Visit overdue')))",
        },
        {
            content: "Open the customer's visits",
            trigger: "button[name='action_vip_open_visits']:contains('2')",
            run: "click",
        },
        {
            content: "Switch to the calendar",
            trigger: ".o_switch_view.o_calendar",
            run: "click",
        },
        {
            content: "The calendar shows the visit",
            trigger: ".o_calendar_renderer .o_event:contains('Tour quarterly review')",
        },
    ],
});
