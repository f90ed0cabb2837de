{
    "name": "VIP Customer Care",
    "version": "19.0.1.0.0",
    "summary": "VIP tiers by revenue, promise ledger, complaint deadlines, "
    "customer meetings and visit plans",
    "category": "Sales/CRM",
    "author": "VIP Customer Care developers",
    "website": "https://www.odoo.com/app/crm",
    "license": "LGPL-3",
    "depends": [
        "account",
        "calendar",
        "portal",
        "rating",
        "phone_validation",
        "resource",
        "mail",
    ],
    "external_dependencies": {"python": ["phonenumbers", "xlsxwriter"]},
    "data": [
        "security/vip_security.xml",
        "security/ir.model.access.csv",
        "data/vip_tier_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "views/vip_tier_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
        "data/vip_complaint_data.xml",
        "views/vip_complaint_views.xml",
        "views/vip_sla_policy_views.xml",
    ],
    "demo": [
        "demo/vip_complaint_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "partner_vip_care/static/tests/tours/**/*",
        ],
    },
    "application": True,
    "installable": True,
}
