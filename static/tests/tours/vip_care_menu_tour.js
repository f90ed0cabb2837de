import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

registry.category("web_tour.tours").add("partner_vip_care_menu_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the VIP Care app",
            trigger: ".o_app[data-menu-xmlid='partner_vip_care.vip_care_menu_root']",
            run: "click",
        },
        {
            content: "The VIP customers view is shown",
            trigger: ".o_breadcrumb:contains('VIP Customers')",
        },
        {
            content: "The Customers section is in the top menu",
            trigger: "[data-menu-xmlid='partner_vip_care.vip_care_menu_customers']",
        },
    ],
});
