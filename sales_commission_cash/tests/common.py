from datetime import timedelta

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CommissionCommon(AccountTestInvoicingCommon):
    """A 10 % plan with a 2-point bonus on time and a 3-point reduction when more than 30
    days late, two salespeople, a manager, a 20 % tax: an invoice of 1,000 untaxed is 1,200."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env.user)
        users = cls.env["res.users"].with_context(no_reset_password=True)
        common = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        salesman_group = cls.env.ref("sales_team.group_sale_salesman")
        cls.seller = users.create(
            {"name": "Sonia Vente", "login": "com_sonia", "groups_id": [Command.set(salesman_group.ids)], **common}
        )
        cls.seller_2 = users.create(
            {"name": "Paul Vente", "login": "com_paul", "groups_id": [Command.set(salesman_group.ids)], **common}
        )
        cls.manager = users.create(
            {
                "name": "Marie Directrice",
                "login": "com_marie",
                "groups_id": [Command.set(cls.env.ref("sales_team.group_sale_manager").ids)],
                **common,
            }
        )
        cls.plan = cls.env["commission.plan"].create(
            {"name": "Standard", "rate": 10.0, "early_bonus": 2.0, "late_days": 30, "late_reduction": 3.0}
        )
        cls.tax_20 = cls.env["account.tax"].create(
            {"name": "TVA 20 %", "amount": 20.0, "amount_type": "percent", "type_tax_use": "sale"}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Brasserie du Port", "is_company": True})

    @classmethod
    def _invoice(
        cls, untaxed=1000.0, *, user=None, due_in=30, move_type="out_invoice", currency=None, date=None, partner=None
    ):
        date = date or cls.today
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": (partner or cls.customer).id,
                "invoice_user_id": (user or cls.seller).id,
                "invoice_date": date,
                "date": date,
                "invoice_payment_term_id": False,
                "invoice_date_due": date + timedelta(days=due_in),
                "currency_id": (currency or cls.company.currency_id).id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Fûts", "quantity": 1, "price_unit": untaxed, "tax_ids": [Command.set(cls.tax_20.ids)]}
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _pay(cls, invoices, amount=None, date=None, currency=None, **extra):
        wizard_vals = {"payment_date": date or cls.today, **extra}
        if amount is not None:
            wizard_vals["amount"] = amount
        if currency:
            wizard_vals["currency_id"] = currency.id
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(wizard_vals)
        )
        return wizard._create_payments()

    def _lines(self, invoice):
        return self.env["commission.line"].search([("move_id", "=", invoice.id)], order="id")
