from odoo.tests import TransactionCase, new_test_user


class VipCareCommon(TransactionCase):
    """Role users shared by the module's tests: one per VIP Care group, plus an
    internal user outside the VIP groups (sales, accounting)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.user_vip = new_test_user(
            cls.env,
            login="vip_user",
            name="Vera Salesperson",
            groups="base.group_user,partner_vip_care.group_vip_user",
        )
        cls.user_vip_2 = new_test_user(
            cls.env,
            login="vip_user_2",
            name="Victor Salesperson",
            groups="base.group_user,partner_vip_care.group_vip_user",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="vip_manager",
            name="Mona Manager",
            groups="base.group_user,partner_vip_care.group_vip_manager",
        )
        cls.user_admin = new_test_user(
            cls.env,
            login="vip_admin",
            name="Adam Administrator",
            groups="base.group_user,partner_vip_care.group_vip_admin,"
            "base.group_partner_manager",
        )
        cls.user_internal = new_test_user(
            cls.env,
            login="plain_internal",
            name="Ian Internal",
            groups="base.group_user,base.group_partner_manager",
        )
