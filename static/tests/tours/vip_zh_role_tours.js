/**
 * One tour per role, walked in Simplified Chinese (tests/test_zh_tours.py): the
 * salesperson, the service agent, the VIP manager and the portal customer. Each
 * page is checked for English words the module writes (labels, notes, badges);
 * a JS error or a failed request fails the tour by itself.
 */
import { registry } from "@web/core/registry";

// words of the module's English texts; none may reach a Chinese reader
const ENGLISH = new RegExp(
    "\\b(" +
        [
            "Complaints?",
            "Promises?",
            "Deadlines?",
            "Customers?",
            "Visits?",
            "Visit Plan",
            "Tiers?",
            "Suggestions?",
            "Meetings?",
            "Resolution",
            "Response",
            "Received",
            "Still a problem",
            "Confirm resolved",
            "Our answer",
            "VIP Status",
            "No message yet",
            "What we promised",
            "Account Manager",
            "Overdue",
            "At Risk",
            "Breached",
            "left",
            "overdue",
            "Start Date",
            "End Date",
            "Monthly VIP Review",
            "Satisfaction",
            "acknowledged",
            "business hours",
        ].join("|") +
        ")\\b"
);

function visit(url) {
    return {
        content: `Open ${url}`,
        trigger: "body",
        run() {
            window.location.href = url;
        },
        expectUnloadPage: true,
    };
}

function noEnglish(selector = "body") {
    return {
        content: `No English of the module in ${selector}`,
        trigger: selector,
        run() {
            const text = [...document.querySelectorAll(selector)]
                .map((el) => el.innerText)
                .join("\n");
            const match = text.match(ENGLISH);
            if (match) {
                const around = text
                    .slice(Math.max(0, match.index - 120), match.index + 120)
                    .replace(/\s*\n\s*/g, " | ");
                throw new Error(`English on the page: "${match[0]}" in: ${around}`);
            }
        },
    };
}

const BACKEND = ".o_action_manager";

registry.category("web_tour.tours").add("partner_vip_care_zh_salesperson", {
    url: "/odoo/action-partner_vip_care.vip_visit_plan_action",
    steps: () => [
        {
            content: "The visit plan shows the customer's next visit on the calendar",
            trigger: ".o_calendar_renderer .fc-event:contains('上海明辉贸易')",
        },
        noEnglish(BACKEND),
        visit("/odoo/action-partner_vip_care.res_partner_action_vip"),
        {
            content: "Open the customer",
            trigger: ".o_kanban_record:contains('上海明辉贸易')",
            run: "click",
        },
        {
            content: "Open the VIP Care tab",
            trigger: ".o_form_view .o_notebook a[name='vip_care']",
            run: "click",
        },
        {
            content: "The complaint reference reads in full",
            trigger: ".o_field_widget[name='vip_open_complaint_ids'] td:contains('CMP/')",
        },
        noEnglish(BACKEND),
        visit("/odoo/action-partner_vip_care.vip_promise_action"),
        {
            content: "The promises are listed",
            trigger: ".o_list_view .o_data_row",
        },
        noEnglish(BACKEND),
    ],
});

registry.category("web_tour.tours").add("partner_vip_care_zh_agent", {
    url: "/odoo/action-partner_vip_care.vip_complaint_action",
    steps: () => [
        {
            content: "Open the complaint",
            trigger: ".o_kanban_record:contains('包装破损')",
            run: "click",
        },
        {
            content: "Acknowledge it",
            trigger: ".o_statusbar_buttons button[name='action_acknowledge']",
            run: "click",
        },
        {
            content: "The acknowledgement note is in the chatter",
            trigger: ".o-mail-Message:contains('李娜')",
        },
        {
            content: "Resolving without a resolution text asks for one",
            trigger: ".o_statusbar_buttons button[name='action_resolve_with_message']",
            run: "click",
        },
        {
            content: "The message names the Resolution field",
            trigger: ".modal .modal-body",
        },
        noEnglish(".modal"),
        {
            content: "Close the message",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        noEnglish(BACKEND),
    ],
});

registry.category("web_tour.tours").add("partner_vip_care_zh_manager", {
    url: "/odoo/action-partner_vip_care.vip_review_report_action",
    steps: () => [
        {
            content: "The monthly review opens on the recent months",
            trigger: ".o_pivot table",
            run() {
                const headers = document.querySelector(".o_pivot table thead").innerText;
                if (headers.includes("1999") || headers.includes("2000")) {
                    throw new Error(`The review starts in the past: ${headers}`);
                }
            },
        },
        noEnglish(BACKEND),
        visit("/odoo/action-partner_vip_care.vip_survey_campaign_action"),
        {
            content: "The campaigns are listed",
            trigger: ".o_kanban_record, .o_data_row",
        },
        noEnglish(BACKEND),
        {
            content: "Open the Reporting menu",
            trigger: "[data-menu-xmlid='partner_vip_care.vip_care_menu_reporting']",
            run: "click",
        },
        {
            content: "Open the review workbook",
            trigger: "[data-menu-xmlid='partner_vip_care.vip_export_wizard_menu']",
            run: "click",
        },
        {
            content: "The workbook dialog opens",
            trigger: ".modal .o_form_view",
        },
        {
            content: "The start of the period is not labelled as a threshold",
            trigger: ".modal:not(:contains('门槛'))",
        },
        noEnglish(".modal"),
    ],
});

registry.category("web_tour.tours").add("partner_vip_care_zh_portal", {
    url: "/my",
    steps: () => [
        {
            content: "The VIP cards show their counters",
            trigger: ".o_vip_portal_card .o_vip_counter:not(:empty)",
        },
        {
            content: "Every VIP card has its icon",
            trigger: ".o_vip_portal_card:has(img[src*='vip_suggestion'])",
        },
        noEnglish("#wrap"),
        visit("/my/vip"),
        {
            content: "The tier page",
            trigger: ".o_vip_portal_tier",
        },
        noEnglish("#wrap"),
        visit("/my/vip/complaints"),
        {
            content: "The complaints are listed with their deadlines",
            trigger: "a[href^='/my/vip/complaints/']",
        },
        noEnglish("#wrap"),
        {
            content: "Open the resolved complaint",
            trigger: "tr:has(.text-bg-success) a",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The company's resolution is shown",
            trigger: ".o_vip_resolution:contains('已更换')",
        },
        {
            content: "Still a problem: say why",
            trigger: ".o_vip_reopen_toggle",
            run: "click",
        },
        {
            content: "Write the reason",
            trigger: "textarea[name='reason']",
            run: "edit 仍然漏水",
        },
        {
            content: "Reopen",
            trigger: "button.o_vip_reopen",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The complaint is reopened",
            trigger: ".o_vip_notice",
        },
        noEnglish("#wrap"),
        visit("/my/vip/promises"),
        {
            content: "Open the promise",
            trigger: "a.o_vip_promise_link",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The whole promise reads on its page",
            trigger: ".o_vip_promise_description:contains('免费加急配送，直至问题彻底解决')",
        },
        noEnglish("#wrap"),
        visit("/my/vip/meetings"),
        {
            content: "An invitation addressed to a colleague says why it cannot be answered",
            trigger: ".o_vip_why_not",
        },
        noEnglish("#wrap"),
    ],
});
