import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("partner_vip_care_portal_tour", {
    url: "/my/vip/complaints/new",
    steps: () => [
        {
            content: "Say what went wrong",
            trigger: "input[name='subject']",
            run: "edit Portal tour: late delivery",
        },
        {
            content: "Describe it",
            trigger: "textarea[name='description']",
            run: "edit The pallets arrived two days late.",
        },
        {
            content: "It is serious",
            trigger: "select[name='severity']",
            run: "select high",
        },
        {
            content: "Submit the complaint",
            trigger: "button.o_vip_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The complaint is registered",
            trigger: ".o_vip_notice:contains('registered')",
        },
        {
            content: "The page shows the subject",
            trigger: ".o_vip_portal_complaint h3:contains('Portal tour: late delivery')",
        },
        {
            content: "The page shows when we answer",
            trigger: ".o_vip_response_deadline span:not(:empty)",
        },
        {
            content: "Back to the complaints list",
            trigger: ".o_portal_submenu a[href='/my/vip/complaints']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The list shows the complaint with its deadline",
            trigger: "tr:contains('Portal tour: late delivery') td:nth-child(4) span:not(:empty)",
        },
    ],
});
