"""The people and documents of the access tests: one user per role, and a few records of each
model of the suite in two companies, A (the users' own) and B (a company they are not in)."""

from datetime import timedelta

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

SUITE = ("credit_control", "dispute_tracking", "sales_commission_cash")

# The roles, as the groups a user of each is given.
ROLES = {
    "salesperson": ["sales_team.group_sale_salesman"],
    "sales_manager": ["sales_team.group_sale_manager"],
    "accountant": ["account.group_account_invoice"],
    "finance": ["credit_control.group_credit_controller"],
    "department": ["dispute_tracking.group_dispute_user"],
    "auditor": ["base.group_user", "account.group_account_readonly"],
    "internal": ["base.group_user"],
    "portal": ["base.group_portal"],
    "public": ["base.group_public"],
}
INTERNAL_ROLES = [role for role in ROLES if role not in ("portal", "public")]


class AccessCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.setup_other_company(name="Access Company B")["company"]
        cls.today = fields.Date.context_today(cls.env.user)
        cls.env.user.groups_id |= cls.env.ref("credit_control.group_credit_controller")
        cls.env.user.company_ids |= cls.company_b
        users = cls.env["res.users"].with_context(no_reset_password=True)
        cls.users = {}
        for role, groups in ROLES.items():
            cls.users[role] = users.create(
                {
                    "name": f"Access {role}",
                    "login": f"access_{role}",
                    "email": f"{role}@access.example.com",
                    "company_id": cls.company_a.id,
                    "company_ids": [Command.set(cls.company_a.ids)],
                    "groups_id": [Command.set([cls.env.ref(group).id for group in groups])],
                }
            )
        # The salesperson's colleague owns the documents the salesperson must not see.
        cls.colleague = users.create(
            {
                "name": "Access colleague",
                "login": "access_colleague",
                "company_id": cls.company_a.id,
                "company_ids": [Command.set((cls.company_a | cls.company_b).ids)],
                "groups_id": [Command.set(cls.env.ref("sales_team.group_sale_salesman").ids)],
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Access crate", "list_price": 100.0, "taxes_id": [Command.clear()], "invoice_policy": "order"}
        )
        cls.department_own = cls.env["dispute.department"].create(
            {"name": "Access logistics", "member_ids": [Command.link(cls.users["department"].id)]}
        )
        cls.department_other = cls.env["dispute.department"].create({"name": "Access quality"})
        cls.reason_own = cls.env["dispute.reason"].create(
            {"name": "Access damaged", "department_id": cls.department_own.id, "deadline_days": 10}
        )
        cls.reason_other = cls.env["dispute.reason"].create(
            {"name": "Access quality", "department_id": cls.department_other.id, "deadline_days": 10}
        )
        cls.records = {"a": cls._create_company_records(cls.company_a), "b": cls._create_company_records(cls.company_b)}

    @classmethod
    def _create_invoice(cls, env, customer, seller, amount, due):
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_user_id": seller.id,
                "invoice_date": cls.today,
                "invoice_payment_term_id": False,
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create({"name": "Crates", "quantity": 1, "price_unit": amount, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        return invoice

    @classmethod
    def _create_company_records(cls, company):
        """In ``company``: the salesperson's customer with an order, an invoice and all that
        follows from them ("own"), and the same for the colleague's customer ("other")."""
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=company.ids))
        salesperson = cls.users["salesperson"]
        plan = env["commission.plan"].create({"name": f"Plan {company.name}", "rate": 10.0, "company_id": company.id})
        tier = env["commission.plan.tier"].create({"plan_id": plan.id, "amount_from": 10000.0, "rate": 12.0})
        result = {"commission.plan": plan, "commission.plan.tier": tier}
        for side, seller, reason in (("own", salesperson, cls.reason_own), ("other", cls.colleague, cls.reason_other)):
            customer = env["res.partner"].create(
                {"name": f"Customer {side} {company.name}", "is_company": True, "user_id": seller.id}
            )
            order = env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": seller.id,
                    "company_id": company.id,
                    "order_line": [Command.create({"product_id": cls.product.id, "price_unit": 100.0})],
                }
            )
            invoice = cls._create_invoice(env, customer, seller, 1000.0, cls.today + timedelta(days=5))
            paid = cls._create_invoice(env, customer, seller, 600.0, cls.today)
            env["account.payment.register"].with_context(active_model="account.move", active_ids=paid.ids).create(
                {"amount": 400.0}
            )._create_payments()
            decision = env["credit.decision"].create(
                {
                    "partner_id": customer.id,
                    "order_id": order.id,
                    "company_id": company.id,
                    "decision": "release",
                    "reason": "Good payer",
                }
            )
            policy = env["credit.dunning.policy"]._get_company_default(company)
            action = env["credit.dunning.action"].create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "policy_id": policy.id,
                    "stage_id": policy.stage_ids[:1].id,
                    "channel": policy.stage_ids[:1].channel,
                    "date": cls.today,
                    "salesperson_id": seller.id,
                    "move_ids": [Command.set(invoice.ids)],
                }
            )
            dispute = env["dispute.dispute"].create({"move_id": paid.id, "amount": 100.0, "reason_id": reason.id})
            corrective_action = env["dispute.corrective.action"].create(
                {
                    "company_id": company.id,
                    "reason_id": reason.id,
                    "department_id": reason.department_id.id,
                    "salesperson_id": seller.id,
                    "period_start": cls.today,
                }
            )
            cover = env["credit.insurance.cover"].create(
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "insurer_id": company.partner_id.id,
                    "amount_granted": 5000.0,
                    "state": "granted",
                }
            )
            application = (
                env["credit.application"]
                .sudo()
                .create(
                    {
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "user_id": seller.id,
                        "requested_limit": 900.0,
                    }
                )
                .with_env(env)
            )
            split = env["commission.split"].create({"move_id": invoice.id, "user_id": seller.id, "share": 100.0})
            settlement = env["commission.settlement"].create(
                {"user_id": seller.id, "company_id": company.id, "date_from": cls.today, "date_to": cls.today}
            )
            result[side] = {
                "res.partner": customer,
                "sale.order": order,
                "account.move": invoice,
                "credit.decision": decision,
                "credit.dunning.action": action,
                "dispute.dispute": dispute,
                "dispute.corrective.action": corrective_action,
                "credit.insurance.cover": cover,
                "credit.application": application,
                "commission.split": split,
                "commission.settlement": settlement,
                "commission.line": env["commission.line"].search([("move_id", "=", paid.id)]),
            }
        env.flush_all()
        return result
