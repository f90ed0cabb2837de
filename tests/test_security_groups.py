from odoo.tests import tagged

from .common import VipCareCommon


@tagged("post_install", "-at_install", "vip_security")
class TestSecurityGroups(VipCareCommon):
    def test_app_with_its_icon_for_vip_users_only(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "partner_vip_care")]
        )
        self.assertTrue(module.application)
        root = self.env.ref("partner_vip_care.vip_care_menu_root")
        self.assertEqual(root.web_icon, "partner_vip_care,static/description/icon.png")
        visible = self.env["ir.ui.menu"].with_user(self.user_vip)._visible_menu_ids()
        self.assertIn(root.id, visible)
        hidden = (
            self.env["ir.ui.menu"].with_user(self.user_internal)._visible_menu_ids()
        )
        self.assertNotIn(root.id, hidden)

    def test_groups_imply_each_other(self):
        self.assertTrue(self.user_vip.has_group("partner_vip_care.group_vip_user"))
        self.assertFalse(self.user_vip.has_group("partner_vip_care.group_vip_manager"))
        self.assertTrue(self.user_manager.has_group("partner_vip_care.group_vip_user"))
        self.assertFalse(
            self.user_manager.has_group("partner_vip_care.group_vip_admin")
        )
        for xmlid in ("group_vip_user", "group_vip_manager", "group_vip_admin"):
            self.assertTrue(self.user_admin.has_group(f"partner_vip_care.{xmlid}"))

    def test_groups_share_one_privilege(self):
        privilege = self.env.ref("partner_vip_care.res_groups_privilege_vip_care")
        self.assertEqual(
            privilege.group_ids,
            self.env.ref("partner_vip_care.group_vip_user")
            | self.env.ref("partner_vip_care.group_vip_manager")
            | self.env.ref("partner_vip_care.group_vip_admin"),
        )

    def test_admin_user_is_vip_administrator(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("partner_vip_care.group_vip_admin"))

    def test_menu_visible_to_vip_groups_only(self):
        root = self.env.ref("partner_vip_care.vip_care_menu_root")
        config = self.env.ref("partner_vip_care.vip_care_menu_config")
        menus = self.env["ir.ui.menu"]
        self.assertIn(root.id, menus.with_user(self.user_vip)._visible_menu_ids())
        self.assertNotIn(config.id, menus.with_user(self.user_vip)._visible_menu_ids())
        admin = self.env.ref("base.user_admin")
        self.assertIn(config.id, menus.with_user(admin)._visible_menu_ids())
        self.assertNotIn(
            root.id, menus.with_user(self.user_internal)._visible_menu_ids()
        )
