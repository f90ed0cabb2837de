import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("partner_vip_care_complaint_tour", {
    url: "/odoo/action-partner_vip_care.vip_complaint_action",
    steps: () => [
        {
            content: "The kanban shows the complaint with its deadline badge",
            trigger: ".o_kanban_record:contains('Tour: broken chairs'):contains('left')",
            run: "click",
        },
        {
            content: "The form shows the deadlines",
            trigger: ".o_form_view .o_field_widget[name='response_deadline']",
        },
        {
            content: "Acknowledge the complaint",
            trigger: ".o_statusbar_buttons button[name='action_acknowledge']",
            run: "click",
        },
        {
            content: "The response deadline is met",
            trigger: ".o_field_widget[name='response_sla_state']:contains('Met')",
        },
        {
            content: "The complaint is in progress",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('In Progress')",
        },
        {
            content: "Back to the complaints",
            trigger: ".o_breadcrumb .o_back_button, .o_breadcrumb li.breadcrumb-item a",
            run: "click",
        },
        {
            content: "Switch to the list",
            trigger: "button.o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list shows the complaint",
            trigger: ".o_list_view .o_data_row:contains('Tour: broken chairs')",
        },
        {
            content: "Switch to the pivot",
            trigger: "button.o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot is shown",
            trigger: ".o_pivot table",
        },
    ],
});
