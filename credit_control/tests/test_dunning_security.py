from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .dunning_common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningSecurity(DunningCommon):
    def setUp(self):
        super().setUp()
        self._create_invoice(100.0, days_overdue=-5)
        self._create_invoice(100.0, days_overdue=-5, partner=self.customer_2)
        self.run_dunning()
        self.call = self.actions()
        self.other_call = self.actions(self.customer_2)

    def test_salesman_reads_own_customers_only(self):
        visible = self.Action.with_user(self.salesman).search([])
        self.assertIn(self.call, visible)
        self.assertNotIn(self.other_call, visible)
        self.assertEqual(self.call.with_user(self.salesman).amount_due, 100.0)
        with self.assertRaises(AccessError):
            self.other_call.with_user(self.salesman).read(["amount_due"])

    def test_salesman_aged_balance_own_customers_only(self):
        lines = self.env["credit.aged.balance"].with_user(self.salesman).search([])
        self.assertEqual(lines.partner_id, self.customer)

    def test_salesman_cannot_record_outcome(self):
        with self.assertRaises(AccessError):
            self.call.with_user(self.salesman).write({"outcome": "no_issue"})

    def test_salesman_cannot_run_dunning(self):
        with self.assertRaises(UserError):
            self.Action.with_user(self.salesman).action_run_dunning()

    def test_accountant_records_outcome(self):
        self.call.with_user(self.billing).write({"outcome": "no_issue"})
        self.call.with_user(self.billing).action_record_outcome()
        self.assertEqual(self.call.state, "done")

    def test_accountant_cannot_change_policies(self):
        with self.assertRaises(AccessError):
            self.policy.with_user(self.billing).write({"name": "Lax"})

    def test_other_company_actions_hidden(self):
        company_2 = self.setup_other_company()["company"]
        accountant_2 = self.make_salesman("cc_acc2", company_2)
        accountant_2.groups_id |= self.env.ref("account.group_account_invoice")
        self.assertFalse(self.Action.with_user(accountant_2).search([]))
        with self.assertRaises(AccessError):
            self.call.with_user(accountant_2).read(["amount_due"])
