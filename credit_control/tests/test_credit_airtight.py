"""The credit gate seen from outside: each role with its own rights, writing what the web
client or an RPC call would send."""

from odoo import Command, api
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.credit_control.exceptions import CreditHoldError

from .common import CreditControlCommon


class CreditGateCommon(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A second blocked customer, with a small limit.
        cls.other_customer = cls.env["res.partner"].create(
            {
                "name": "Café de la Gare",
                "is_company": True,
                "credit_limit": 100.0,
                "property_payment_term_id": cls.term_30.id,
            }
        )

    def _request(self, order, user=None, amount=0.0, reason="Customer pays on Friday"):
        values = {"order_id": order.id, "reason": reason}
        if amount:  # the new total of a confirmed order
            values["requested_amount"] = amount
        self.env["credit.release.request"].with_user(user or self.salesman).create(values).action_request()

    def _decide(self, order, decision="release", user=None, partner=None, **values):
        self.env["credit.decision.wizard"].with_user(user or self.finance_2).create(
            {
                "partner_id": (partner or self.customer).id,
                "order_id": order.id if order else False,
                "decision": decision,
                "reason": "Cheque received",
                **values,
            }
        ).action_apply()
        return self.env["credit.decision"].search([("partner_id", "=", (partner or self.customer).id)], limit=1)

    def _notes(self, order, text):
        return order.message_ids.filtered(lambda m: text in (m.body or ""))


@tagged("post_install", "-at_install")
class TestReleaseBinding(CreditGateCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_invoice(800.0, days_overdue=15)
        cls.order = cls._create_order(500.0)

    def _released(self):
        self._request(self.order)
        decision = self._decide(self.order)
        self.assertEqual(decision.released_amount, 500.0)
        return self.order.with_user(self.salesman)

    def test_release_is_void_when_the_customer_changes(self):
        order = self._released()
        order.write({"partner_id": self.other_customer.id})
        self.assertFalse(self.order.credit_release_state)
        self.assertEqual(self.order.credit_released_amount, 0.0)
        self.assertTrue(self._notes(self.order, "The credit release is void"))
        with self.assertHold("Café de la Gare is [^:]*400.00 over its credit limit"):
            order.action_confirm()
        self.assertEqual(self.order.state, "draft")

    def test_release_records_what_finance_released(self):
        self._released()
        self.assertEqual(self.order.credit_released_partner_id, self.customer)
        self.assertEqual(self.order.credit_released_company_id, self.company)
        self.assertEqual(self.order.credit_released_currency_id, self.order.currency_id)

    def test_release_is_void_when_the_invoice_address_changes(self):
        order = self._released()
        order.write({"partner_invoice_id": self.other_customer.id})
        self.assertFalse(self.order.credit_release_state)
        with self.assertHold("Café de la Gare"):
            order.action_confirm()

    def test_release_holds_for_another_address_of_the_same_customer(self):
        order = self._released()
        order.write({"partner_invoice_id": self.contact.id})
        self.assertEqual(self.order.credit_release_state, "released")
        order.action_confirm()
        self.assertEqual(self.order.state, "sale")

    def test_release_is_void_when_the_currency_changes(self):
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 0.5)])
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        order = self._released()
        order.write({"pricelist_id": pricelist.id})
        self.assertEqual(self.order.currency_id, eur)
        self.assertFalse(self.order.credit_release_state)
        with self.assertHold("credit hold"):
            order.action_confirm()

    def test_release_is_void_when_the_company_changes(self):
        company_2 = self.setup_other_company()["company"]
        self.env.user.company_ids |= company_2
        self._released()
        order = self.env["sale.order"].browse(self.order.id)
        order.write({"company_id": company_2.id})
        self.assertFalse(order.credit_release_state)

    def test_release_is_void_after_cancellation(self):
        order = self._released()
        order.action_cancel()
        order.action_draft()
        self.assertFalse(self.order.credit_release_state)
        self.assertEqual(self.order.credit_released_amount, 0.0)
        self.assertTrue(self._notes(self.order, "the order was cancelled"))
        with self.assertHold("credit hold"):
            order.action_confirm()

    def test_pending_request_is_void_when_the_customer_changes(self):
        self._request(self.order)
        self.assertIn(self.order, self.customer.credit_release_order_ids)
        self.order.with_user(self.salesman).write({"partner_id": self.other_customer.id})
        self.assertFalse(self.order.credit_release_state)
        self.assertTrue(self._notes(self.order, "The credit release request is void"))
        # Finance's to-do about it is closed, and the customer has nothing waiting any more.
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.credit_release_order_ids)
        self.assertFalse(self.customer.activity_ids.filtered(lambda a: self.order.name in (a.summary or "")))
        # A release decided now for the old request is refused: the order is another customer's.
        with self.assertRaisesRegex(UserError, "not an order of this customer"):
            self._decide(self.order)

    def test_confirmed_order_moved_to_a_blocked_customer_is_checked(self):
        self.customer.with_user(self.finance).credit_limit = 10000.0
        order = self._create_order(500.0)
        order.action_confirm()
        with self.assertHold("Café de la Gare is [^:]*400.00 over its credit limit"):
            order.with_user(self.salesman).write({"partner_id": self.other_customer.id})
        self.assertEqual(order.partner_id, self.customer)

    def test_release_fields_cannot_be_written(self):
        with self.assertRaisesRegex(AccessError, "decided by finance"):
            self.order.with_user(self.salesman).write(
                {"credit_released_partner_id": self.other_customer.id, "credit_release_requested_amount": 1e9}
            )


@tagged("post_install", "-at_install")
class TestOrderBookPostedInvoices(CreditGateCommon):
    def _figures(self):
        self.customer.invalidate_recordset()
        return (
            self.customer.credit_exposure_not_due,
            self.customer.credit_exposure_order_book,
            self.customer.credit_exposure,
        )

    def test_draft_invoice_stays_in_the_order_book(self):
        order = self._create_order(600.0)
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(order.credit_amount_to_invoice, 600.0)
        self.assertEqual(self._figures(), (0.0, 600.0, 600.0))
        # The draft frees no credit: an order of 500 more is still held.
        with self.assertHold("over its credit limit"):
            self._create_order(500.0).action_confirm()
        invoice.action_post()
        self.assertEqual(order.credit_amount_to_invoice, 0.0)
        self.assertEqual(self._figures(), (600.0, 0.0, 600.0))
        invoice.button_draft()
        self.assertEqual(order.credit_amount_to_invoice, 600.0)
        self.assertEqual(self._figures(), (0.0, 600.0, 600.0))
        invoice.button_cancel()
        self.assertEqual(self._figures(), (0.0, 600.0, 600.0))

    def test_credit_note_from_the_order_comes_back_to_the_book(self):
        order = self._create_order(600.0)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        refund = invoice._reverse_moves()
        self.assertEqual(self._figures(), (600.0, 0.0, 600.0))  # the credit note is a draft
        refund.action_post()
        self.assertEqual(order.credit_amount_to_invoice, 600.0)
        self.assertEqual(self._figures(), (0.0, 600.0, 600.0))

    def test_down_payment_is_counted_once(self):
        order = self._create_order(1000.0)
        self.customer.with_user(self.finance).credit_limit = 5000.0
        order.action_confirm()
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "fixed", "fixed_amount": 300.0})
        )
        down_payment = wizard._create_invoices(order)
        self.assertEqual(down_payment.amount_total, 300.0)
        self.assertEqual(self._figures(), (0.0, 1000.0, 1000.0))  # a draft down payment
        down_payment.action_post()
        self.assertEqual(order.credit_amount_to_invoice, 700.0)
        self.assertEqual(self._figures(), (300.0, 700.0, 1000.0))
        final = order._create_invoices(final=True)
        self.assertEqual(final.amount_total, 700.0)
        self.assertEqual(self._figures(), (300.0, 700.0, 1000.0))  # the final invoice is a draft
        final.action_post()
        self.assertEqual(order.credit_amount_to_invoice, 0.0)
        self.assertEqual(self._figures(), (1000.0, 0.0, 1000.0))


@tagged("post_install", "-at_install")
class TestProtectionFollowsTheCustomer(CreditGateCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_company = (
            cls.env["res.partner"]
            .with_user(cls.salesman)
            .create({"name": "Sam's Friends Ltd", "is_company": True, "email": "compta@brasserie-du-port.example.com"})
        )

    def test_salesperson_cannot_reparent_a_limited_customer(self):
        with self.assertRaisesRegex(AccessError, "Only finance"):
            self.customer.with_user(self.salesman).write({"is_company": False, "parent_id": self.own_company.id})
        self.assertEqual(self.customer.commercial_partner_id, self.customer)
        self.assertEqual(self.customer.credit_limit, 1000.0)
        with self.assertHold("over its credit limit"):
            self._create_order(1500.0).action_confirm()

    def test_salesperson_cannot_move_a_contact_out_of_a_limited_customer(self):
        with self.assertRaisesRegex(AccessError, "Brasserie du Port"):
            self.contact.with_user(self.salesman).write({"parent_id": self.own_company.id})
        with self.assertRaisesRegex(AccessError, "Only finance"):
            self.contact.with_user(self.salesman).write({"is_company": True})
        # From the other side: the new company's contacts, as the form sends them. The ORM
        # writes the contact's parent as the request's user: a session of the salesperson.
        partners = api.Environment(self.env.cr, self.salesman.id, {})["res.partner"]
        with self.assertRaisesRegex(AccessError, "Only finance"):
            partners.browse(self.own_company.id).write({"child_ids": [Command.link(self.contact.id)]})
        with self.assertRaisesRegex(AccessError, "Only finance"):
            partners.create({"name": "Shell Ltd", "is_company": True, "child_ids": [Command.link(self.contact.id)]})
        self.assertEqual(self.contact.commercial_partner_id, self.customer)

    def test_open_amounts_protect_a_customer_without_limit(self):
        self.customer.with_user(self.finance).credit_limit = 0.0
        self.assertFalse(self.customer._credit_protected_entities())
        self._create_invoice(300.0)
        self.assertEqual(self.customer._credit_protected_entities(), self.customer)
        with self.assertRaisesRegex(AccessError, "open amounts"):
            self.customer.with_user(self.salesman).write({"is_company": False, "parent_id": self.own_company.id})

    def test_order_book_protects_a_customer_without_limit(self):
        self.customer.with_user(self.finance).credit_limit = 0.0
        self._create_order(200.0).action_confirm()
        with self.assertRaisesRegex(AccessError, "open amounts"):
            self.contact.with_user(self.salesman).write({"parent_id": self.own_company.id})

    def test_unprotected_contacts_move_freely_and_finance_decides(self):
        free = self.env["res.partner"].with_user(self.salesman).create({"name": "Walk-in"})
        free.with_user(self.salesman).write({"parent_id": self.customer.id})
        self.assertEqual(free.commercial_partner_id, self.customer)
        self.assertEqual(free.credit_limit_effective, 1000.0)
        # Finance may move a protected customer: its decision.
        self.finance.groups_id |= self.env.ref("base.group_partner_manager")
        self.customer.with_user(self.finance).write({"is_company": False, "parent_id": self.own_company.id})
        self.assertEqual(self.customer.commercial_partner_id, self.own_company)

    def test_sync_from_a_parent_never_lowers_own_protection(self):
        unprotected = self.env["res.partner"].create({"name": "Holding", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Old buyer", "parent_id": unprotected.id})
        contact.sudo().credit_limit = 500.0  # a limit of its own, from before it joined the holding
        with self.assertRaisesRegex(AccessError, "Old buyer has a credit limit"):
            contact.with_user(self.salesman).write({"parent_id": self.own_company.id})
        self.assertEqual(contact.credit_limit, 500.0)

    def test_salesperson_cannot_merge_a_limited_customer_away(self):
        self._create_invoice(300.0)
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_ids": [Command.set((self.customer | self.own_company).ids)],
                    "dst_partner_id": self.own_company.id,
                    "state": "selection",
                }
            )
        )
        with self.assertRaisesRegex(AccessError, "merge them elsewhere"), self.env.cr.savepoint():
            wizard.action_merge()
        self.assertTrue(self.customer.exists())
        invoices = self.env["account.move"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(invoices), 1)
        self.assertEqual(self.customer.credit_exposure, 300.0)


@tagged("post_install", "-at_install")
class TestFourEyes(CreditGateCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_invoice(800.0, days_overdue=15)
        cls.order = cls._create_order(500.0)
        # Fiona also manages the sales team: she can ask for the release of Sam's orders.
        cls.finance.groups_id |= cls.env.ref("sales_team.group_sale_salesman_all_leads")

    def test_requester_cannot_decide_even_as_finance(self):
        self._request(self.order, user=self.finance)
        self.assertEqual(self.order.credit_release_requested_by, self.finance)
        with self.assertRaisesRegex(UserError, "another member of finance must decide on it: .*Frank Finance"):
            self._decide(self.order, user=self.finance)
        self.assertEqual(self.order.credit_release_state, "requested")
        self.assertFalse(self.customer.credit_decision_ids)
        decision = self._decide(self.order, user=self.finance_2)
        self.assertEqual((decision.user_id, decision.released_amount), (self.finance_2, 500.0))

    def test_salesperson_cannot_decide_and_is_told_who_can(self):
        order = self.env["sale.order"].browse(self.order.id)
        order.user_id = self.finance_2
        self._request(order, user=self.env.user)  # the administrator, also in finance, asks
        with self.assertRaises(UserError) as caught:
            self._decide(order, user=self.finance_2)
        message = str(caught.exception)
        self.assertIn("must decide on it: Fiona Finance", message)  # the credit controller, named first
        self.assertNotIn("Frank Finance", message)
        self.assertNotIn(self.env.user.name, message)
        self.assertEqual(order.credit_release_state, "requested")

    def test_involved_finance_cannot_loosen_the_customer_instead(self):
        self._request(self.order, user=self.finance)
        with self.assertRaisesRegex(UserError, "another member of finance"):
            self._decide(False, "limit_permanent", user=self.finance, new_limit=5000.0)
        with self.assertRaisesRegex(UserError, "another member of finance"):
            self.customer.with_user(self.finance).write({"credit_limit": 5000.0})  # the form, or RPC
        with self.assertRaisesRegex(UserError, "another member of finance"):
            self.customer.with_user(self.finance).write({"credit_policy": "none"})
        with self.assertRaisesRegex(UserError, "another member of finance"):
            self.customer.with_user(self.finance).write(
                {"credit_limit_temporary": 5000.0, "credit_limit_temporary_until": self.today}
            )
        self.assertEqual(self.customer.credit_limit, 1000.0)
        # Tightening stays possible.
        self.customer.with_user(self.finance).write({"credit_limit": 800.0})
        self._decide(False, "cash_in_advance", user=self.finance)
        self.assertTrue(self.customer.credit_cash_in_advance)


@tagged("post_install", "-at_install")
class TestConfirmedOrderGrowth(CreditGateCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._create_order(600.0)
        cls.order.action_confirm()
        # An accountant, without sales rights, posts the vendor bills.
        cls.accountant = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Alice Accountant",
                    "login": "cc_alice",
                    "email": "alice@example.com",
                    "groups_id": [Command.set(cls.env.ref("account.group_account_invoice").ids)],
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                }
            )
        )
        cls.expense = cls.env["product.product"].create(
            {
                "name": "Freight",
                "type": "service",
                "expense_policy": "cost",
                "invoice_policy": "delivery",
                "taxes_id": [Command.clear()],
                "supplier_taxes_id": [Command.clear()],
            }
        )

    def _add_line(self, amount, user=None):
        self.order.with_user(user or self.salesman).write(
            {"order_line": [Command.create({"product_id": self.product.id, "price_unit": amount})]}
        )

    def test_salesperson_requests_the_increase_and_finance_releases_it(self):
        with self.assertRaises(CreditHoldError) as caught, self.env.cr.savepoint():
            self._add_line(500.0)
        message = str(caught.exception).replace("\u00a0", " ")
        self.assertIn("this change takes its total to $ 1,100.00", message)
        self.assertIn("Fiona Finance (finance) can release the increase", message)
        self.assertEqual(
            caught.exception.additional_context, {"default_order_id": self.order.id, "default_requested_amount": 1100.0}
        )
        self.assertEqual(self.order.amount_total, 600.0)
        self._request(self.order, amount=1100.0)
        self.assertEqual(
            (self.order.credit_release_state, self.order.credit_release_requested_amount), ("requested", 1100.0)
        )
        self.assertIn(self.order, self.customer.credit_release_order_ids)
        activity = self.customer.activity_ids.filtered(lambda a: self.order.name in (a.summary or ""))
        self.assertEqual(activity.user_id, self.finance)
        decision = self._decide(self.order)
        self.assertEqual((decision.decision, decision.released_amount), ("release", 1100.0))
        self.assertEqual(self.order.credit_released_amount, 1100.0)
        self.assertFalse(self.customer.activity_ids.filtered(lambda a: self.order.name in (a.summary or "")))
        self._add_line(500.0)
        self.assertEqual(self.order.amount_total, 1100.0)
        self.assertEqual(self.order.credit_checked_amount, 1100.0)
        with self.assertHold("takes its total to"):
            self._add_line(10.0)

    def test_accountant_posting_a_vendor_bill_learns_who_unblocks_it(self):
        """The expense line that posting a vendor bill adds to the order (values of Odoo's
        re-invoicing), created as the accountant who posts the bill."""
        bill = (
            self.env["account.move"]
            .with_user(self.accountant)
            .create(
                {
                    "move_type": "in_invoice",
                    "partner_id": self.other_customer.id,
                    "invoice_date": self.today,
                    "invoice_line_ids": [
                        Command.create({"product_id": self.expense.id, "quantity": 1, "price_unit": 700.0})
                    ],
                }
            )
        )

        def reinvoice():
            values = bill.invoice_line_ids._sale_prepare_sale_line_values(self.order, 700.0)
            # Posting creates it with the rights the posting runs with; the gate applies whatever they are.
            return self.env["sale.order.line"].with_user(self.accountant).sudo().create(values)

        with self.assertRaises(CreditHoldError) as caught, self.env.cr.savepoint():
            reinvoice()
        message = str(caught.exception).replace("\u00a0", " ")
        self.assertIn("takes its total to $ 1,300.00", message)
        self.assertIn("Fiona Finance (finance) can release the increase", message)
        self._request(self.order, user=self.accountant, amount=1300.0, reason="Freight re-invoiced")
        self.assertEqual(self.order.credit_release_requested_by, self.accountant)
        with self.assertHold("was requested: Fiona Finance \\(finance\\) will decide"):
            reinvoice()
        self._decide(self.order, user=self.finance)
        line = reinvoice()
        self.assertEqual(line.order_id, self.order)
        self.assertEqual(self.order.amount_total, 1300.0)

    def test_bad_requests_on_a_confirmed_order(self):
        with self.assertRaisesRegex(UserError, "above the current"):
            self._request(self.order, amount=600.0)
        with self.assertRaisesRegex(UserError, "not on credit hold"):
            self._request(self.order, amount=900.0)
        self.assertFalse(self.order.credit_release_state)
        self.assertFalse(self.order.credit_release_requested_amount)
        self._request(self.order, amount=1500.0)
        with self.assertRaisesRegex(UserError, "prepayment is asked on quotations"):
            self._decide(self.order, "prepayment")
        decision = self._decide(self.order, "refuse")
        self.assertEqual(decision.decision, "refuse")
        with self.assertHold("can release the increase"):
            self._add_line(900.0)
