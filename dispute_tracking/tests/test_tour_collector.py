from odoo import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.credit_control.tests.dunning_common import DunningCommon


@tagged("post_install", "-at_install")
class TestTourCollectorCalls(DunningCommon, HttpCase):
    """Tour 3, in a real browser: a collector works today's calls from the agenda; a
    customer disputes a missing discount and the dispute reaches the sales department."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Tour Collector",
                    "login": "tour_collector",
                    "password": "tour_collector",
                    "email": "tour.collector@example.com",
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                    "groups_id": [Command.set(cls.env.ref("account.group_account_invoice").ids)],
                }
            )
        )
        cls.sales_department = cls.env.ref("dispute_tracking.dispute_department_sales")
        cls.sales_department.member_ids = cls.salesman
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create({"name": "Tour Bistro Alpha", "is_company": True, "phone": "+33 1 00 00 00 01"})
        cls.beta = Partner.create({"name": "Tour Cave Beta", "is_company": True, "phone": "+33 1 00 00 00 02"})
        (cls.alpha | cls.beta).credit_collector_id = cls.collector
        cls.invoice_alpha = cls._create_invoice(400.0, days_overdue=-5, partner=cls.alpha)
        cls.invoice_beta = cls._create_invoice(900.0, days_overdue=-5, partner=cls.beta)

    def test_collector_records_a_discount_dispute_that_reaches_sales(self):
        self.run_dunning()
        calls = self.Action.search([("user_id", "=", self.collector.id), ("state", "=", "planned")])
        self.assertEqual(calls.partner_id, self.alpha | self.beta)
        self.assertFalse(self.Action.search([("user_id", "=", self.env.user.id), ("state", "=", "planned")]))

        self.start_tour("/odoo", "dispute_tracking_collector_calls", login="tour_collector")

        self.assertRecordValues(
            calls.sorted("id"),
            [
                {"partner_id": self.alpha.id, "outcome": "no_issue", "done_user_id": self.collector.id},
                {"partner_id": self.beta.id, "outcome": "dispute", "done_user_id": self.collector.id},
            ],
        )
        dispute = self.invoice_beta.dispute_ids
        self.assertEqual(len(dispute), 1)
        self.assertRecordValues(
            dispute,
            [
                {
                    "reason_id": self.env.ref("dispute_tracking.dispute_reason_price").id,
                    "department_id": self.sales_department.id,
                    "amount": 900.0,
                    "is_open": True,
                }
            ],
        )
        self.assertIn("discount", dispute.description)
        self.assertTrue(self.invoice_beta.in_dispute, "the invoice leaves dunning while disputed")
        self.assertFalse(self.invoice_alpha.dispute_ids)
