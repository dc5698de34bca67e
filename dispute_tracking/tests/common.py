from datetime import timedelta

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class DisputeCommon(AccountTestInvoicingCommon):
    """Two departments (logistics, quality) with their people, two reasons routed to them, a
    finance user, two salespeople, a customer with its portal contact, and another customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.today = fields.Date.context_today(cls.env.user)
        # The test user configures the register and, as an accountant, sees all of it.
        cls.env.user.groups_id |= cls.env.ref("dispute_tracking.group_dispute_manager")
        users = cls.env["res.users"].with_context(no_reset_password=True)
        common = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
            "email": "dispute-tests@example.com",
        }

        def user(login, name, *groups):
            group_ids = [cls.env.ref(group).id for group in groups]
            return users.create({"name": name, "login": login, "groups_id": [Command.set(group_ids)], **common})

        cls.finance = user("dt_fiona", "Fiona Finance", "credit_control.group_credit_controller")
        cls.logistics_manager = user("dt_lea", "Léa Logistics Manager", "dispute_tracking.group_dispute_user")
        cls.logistics_user = user("dt_luc", "Luc Logistics", "dispute_tracking.group_dispute_user")
        cls.quality_user = user("dt_quentin", "Quentin Quality", "dispute_tracking.group_dispute_user")
        cls.salesman = user("dt_sam", "Sam Sales", "sales_team.group_sale_salesman")
        cls.salesman_2 = user("dt_sophie", "Sophie Sales", "sales_team.group_sale_salesman")
        cls.company.credit_controller_id = cls.finance

        Department = cls.env["dispute.department"]
        cls.logistics = Department.create(
            {
                "name": "Logistics (test)",
                "manager_id": cls.logistics_manager.id,
                "responsible_id": cls.logistics_user.id,
            }
        )
        cls.quality = Department.create({"name": "Quality (test)", "member_ids": [Command.link(cls.quality_user.id)]})
        Reason = cls.env["dispute.reason"]
        cls.reason_damaged = Reason.create(
            {"name": "Damaged delivery (test)", "department_id": cls.logistics.id, "deadline_days": 10}
        )
        cls.reason_quality = Reason.create(
            {"name": "Quality (test)", "department_id": cls.quality.id, "deadline_days": 20}
        )

        cls.customer = cls.env["res.partner"].create(
            {"name": "Brasserie du Port", "is_company": True, "user_id": cls.salesman.id}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jeanne Achat", "parent_id": cls.customer.id, "email": "jeanne@example.com"}
        )
        cls.portal_user = users.create(
            {
                "name": "Jeanne Achat",
                "login": "dt_jeanne",
                "password": "dt_jeanne",
                "partner_id": cls.contact.id,
                "groups_id": [Command.set(cls.env.ref("base.group_portal").ids)],
                **common,
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Café de la Gare", "is_company": True, "user_id": cls.salesman_2.id}
        )

    @classmethod
    def _create_invoice(
        cls,
        amount=1000.0,
        *,
        partner=None,
        move_type="out_invoice",
        post=True,
        salesperson=None,
        taxes=None,
        company=None,
    ):
        move = (
            cls.env["account.move"]
            .with_company(company or cls.company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": (partner or cls.customer).id,
                    "invoice_date": cls.today,
                    "invoice_user_id": (salesperson or cls.salesman).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Crates",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.set((taxes or cls.env["account.tax"]).ids)],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _create_dispute(cls, invoice=None, amount=300.0, reason=None, user=None, **values):
        invoice = invoice or cls._create_invoice()
        return (
            cls.env["dispute.dispute"]
            .with_user(user or cls.env.user)
            .create({"move_id": invoice.id, "amount": amount, "reason_id": (reason or cls.reason_damaged).id, **values})
        )

    def _backdate(self, dispute, days):
        """Open ``dispute`` ``days`` days ago, its deadline following from its reason."""
        opened = fields.Datetime.now() - timedelta(days=days)
        dispute.write({"date_open": opened})
        dispute.date_deadline = opened.date() + timedelta(days=dispute.reason_id.deadline_days)
