from odoo.tests import tagged

from .common import DisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeCockpit(DisputeCommon):
    """The cash cockpit counts the open disputes and the cash they hold, and opens them by
    department and reason."""

    def test_open_disputes_and_cash_held_by_department_and_reason(self):
        invoice = self._create_invoice(2000.0)
        self._create_dispute(invoice, 300.0, self.reason_damaged)
        self._create_dispute(invoice, 200.0, self.reason_damaged)
        self._create_dispute(self._create_invoice(1000.0), 150.0, self.reason_quality)
        resolved = self._create_dispute(self._create_invoice(800.0), 400.0, self.reason_quality)
        resolved.write({"resolution": "corrected", "stage": "resolved"})
        other_company = self.setup_other_company(name="Dispute Cockpit B")["company"]
        self.env.user.company_ids |= other_company
        self._create_dispute(self._create_invoice(500.0, company=other_company), 50.0, self.reason_damaged)
        self.env.flush_all()

        cockpit = self.env["credit.cockpit"].search([("company_id", "=", self.company.id)])
        self.assertEqual(cockpit.dispute_open_count, 3)
        self.assertAlmostEqual(cockpit.dispute_open_amount, 650.0)

        action = cockpit.action_open_disputes()
        self.assertEqual(action["res_model"], "dispute.report")
        self.assertEqual(action["context"]["pivot_row_groupby"], ["department_id"])
        self.assertEqual(action["context"]["pivot_column_groupby"], ["reason_id"])
        groups = self.env["dispute.report"]._read_group(
            action["domain"], ["department_id", "reason_id"], ["dispute_count:sum", "amount:sum"]
        )
        self.assertEqual(
            sorted((dep.name, reason.name, count, amount) for dep, reason, count, amount in groups),
            [("Logistics (test)", "Damaged delivery (test)", 2, 500.0), ("Quality (test)", "Quality (test)", 1, 150.0)],
        )
