from contextlib import contextmanager
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.credit_control.exceptions import CreditHoldError

# A hold refuses the confirmation with a CreditHoldError (a UserError), which offers the
# release request when finance can release the order.
HOLD_ERRORS = (CreditHoldError, UserError)


class CreditControlCommon(AccountTestInvoicingCommon):
    """A blocking company, a customer with a limit of 1,000, and the people of the stories:
    a salesperson, two finance users (credit controllers) and a billing clerk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env.user)
        cls.company.write(
            {
                "credit_policy": "block",
                "credit_overdue_days": 0,
                "credit_require_payment_term": True,
                "credit_require_address": False,
                "credit_require_vat": False,
            }
        )
        group_sales = cls.env.ref("sales_team.group_sale_salesman")
        group_controller = cls.env.ref("credit_control.group_credit_controller")
        cls.env.user.groups_id |= group_controller
        cls.env.user.email = "accountant@example.com"
        users = cls.env["res.users"].with_context(no_reset_password=True)
        common = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
            "email": "credit-control-tests@example.com",
        }
        # Salespeople create and edit their customers, as they usually may.
        group_partner_manager = cls.env.ref("base.group_partner_manager")
        cls.salesman = users.create(
            {
                "name": "Sam Sales",
                "login": "cc_sam",
                "groups_id": [Command.set((group_sales | group_partner_manager).ids)],
                **common,
            }
        )
        cls.finance = users.create(
            {
                "name": "Fiona Finance",
                "login": "cc_fiona",
                "groups_id": [Command.set((group_controller | group_sales).ids)],
                **common,
            }
        )
        cls.finance_2 = users.create(
            {"name": "Frank Finance", "login": "cc_frank", "groups_id": [Command.set(group_controller.ids)], **common}
        )
        cls.billing = users.create(
            {
                "name": "Bill Billing",
                "login": "cc_bill",
                "groups_id": [Command.set((cls.env.ref("account.group_account_invoice") | group_sales).ids)],
                **common,
            }
        )
        cls.company.credit_controller_id = cls.finance
        cls.term_30 = cls.env.ref("account.account_payment_term_30days")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Brasserie du Port",
                "is_company": True,
                "street": "12 quai de la Fosse",
                "zip": "44000",
                "city": "Nantes",
                "country_id": cls.env.ref("base.fr").id,
                "email": "compta@brasserie-du-port.example.com",
                "credit_limit": 1000.0,
                "property_payment_term_id": cls.term_30.id,
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jeanne Achat", "parent_id": cls.customer.id, "type": "contact"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Crate", "list_price": 100.0, "taxes_id": [Command.clear()], "invoice_policy": "order"}
        )

    @contextmanager
    def assertHold(self, pattern=""):
        """The confirmation is refused, and what it wrote is rolled back as the server would."""
        with self.assertRaisesRegex(HOLD_ERRORS, pattern) as caught, self.env.cr.savepoint():
            yield caught

    @classmethod
    def _create_order(cls, amount, partner=None, user=None, **values):
        """A quotation of ``amount`` (untaxed, no tax) sold by ``user``."""
        return (
            cls.env["sale.order"]
            .with_user(user or cls.salesman)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "user_id": (user or cls.salesman).id,
                    "payment_term_id": cls.term_30.id,
                    "order_line": [
                        Command.create({"product_id": cls.product.id, "product_uom_qty": 1, "price_unit": amount})
                    ],
                    **values,
                }
            )
        )

    @classmethod
    def _create_invoice(cls, amount, days_overdue=0, *, partner=None, move_type="out_invoice", company=None, post=True):
        """A posted customer invoice of ``amount``, due ``days_overdue`` days ago (negative:
        due in the future)."""
        company = company or cls.company
        due = cls.today - timedelta(days=days_overdue)
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": (partner or cls.customer).id,
                    "invoice_date": min(due, cls.today),
                    "invoice_payment_term_id": False,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create({"name": "Crates", "quantity": 1, "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move
