from datetime import timedelta

from odoo import Command

from .common import CreditControlCommon


class DunningCommon(CreditControlCommon):
    """The company's default policy of the addon's data: preventive call 7 days before the
    due date, friendly email at +3, firm email at +15, formal notice letter at +30,
    litigation letter at +45."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Action = cls.env["credit.dunning.action"]
        cls.policy = cls.env.ref("credit_control.credit_dunning_policy_default")
        # The data is the main company's; the tests run in a company of their own, which
        # got a copy of it when it was created: the tests use the data's records instead.
        cls.env["credit.dunning.policy"]._get_company_default(cls.company).unlink()
        cls.policy.sudo().company_id = cls.company
        cls.stage_call = cls.env.ref("credit_control.credit_dunning_stage_preventive_call")
        cls.stage_friendly = cls.env.ref("credit_control.credit_dunning_stage_friendly")
        cls.stage_firm = cls.env.ref("credit_control.credit_dunning_stage_firm")
        cls.stage_notice = cls.env.ref("credit_control.credit_dunning_stage_formal_notice")
        cls.stage_litigation = cls.env.ref("credit_control.credit_dunning_stage_litigation")
        cls.customer.write({"email": "compta@brasserie-du-port.example.com", "user_id": cls.salesman.id})
        cls.customer_2 = cls.env["res.partner"].create(
            {"name": "Cave Saint-Pierre", "is_company": True, "email": "cave@example.com"}
        )

    def run_dunning(self, days_later=0):
        """The daily job, as it would run ``days_later`` days from today."""
        self.Action._run_dunning(self.company, today=self.today + timedelta(days=days_later))
        self.Action._dispatch_actions(companies=self.company)

    def reached(self, invoices, stage, days_ago=1):
        """As if ``invoices`` had received ``stage`` (and the stages before it) ``days_ago`` days ago."""
        invoices.sudo().write(
            {"dunning_stage_id": stage.id, "dunning_stage_date": self.today - timedelta(days=days_ago)}
        )
        return invoices

    def actions(self, partner=None, **domain):
        search = [("partner_id", "=", (partner or self.customer).id)]
        search += [(key, "=", value) for key, value in domain.items()]
        return self.Action.search(search)

    def dunning_mails(self, partner=None):
        partner = partner or self.customer
        return self.env["mail.mail"].search(
            [("model", "=", "credit.dunning.action"), ("recipient_ids", "in", partner.ids)]
        )

    def pay(self, invoice, amount):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": amount}
        ).action_create_payments()

    @classmethod
    def make_salesman(cls, login, company=None):
        company = company or cls.company
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": login,
                    "login": login,
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "groups_id": [Command.set(cls.env.ref("sales_team.group_sale_salesman").ids)],
                }
            )
        )
