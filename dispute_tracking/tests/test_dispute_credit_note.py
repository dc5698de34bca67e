from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeCreditNote(DisputeCommon):
    def test_credit_note_of_the_disputed_amount_is_posted_linked_and_reconciled(self):
        invoice = self._create_invoice(1000.0)
        dispute = self._create_dispute(invoice, amount=300.0)
        dispute.with_user(self.finance).action_resolve_credit_note()
        refund = dispute.refund_id
        self.assertEqual(refund.move_type, "out_refund")
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.amount_total, 300.0)
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(invoice.amount_residual, 700.0)
        self.assertEqual(dispute.stage, "resolved")
        self.assertEqual(dispute.resolution, "credit_note")
        self.assertFalse(invoice.in_dispute)

    def test_credit_note_with_taxes_equals_the_disputed_amount(self):
        tax = self.percent_tax(20.0)
        invoice = self._create_invoice(1000.0, taxes=tax)
        self.assertEqual(invoice.amount_total, 1200.0)
        dispute = self._create_dispute(invoice, amount=600.0)
        dispute.with_user(self.finance).action_resolve_credit_note()
        self.assertEqual(dispute.refund_id.amount_total, 600.0)
        self.assertEqual(dispute.refund_id.amount_tax, 100.0)
        self.assertEqual(invoice.amount_residual, 600.0)

    def test_credit_note_covers_only_the_disputed_lines(self):
        invoice = self._create_invoice(1000.0, post=False)
        invoice.write(
            {
                "invoice_line_ids": [
                    Command.create({"name": "Bottles", "quantity": 1, "price_unit": 400.0, "tax_ids": []})
                ]
            }
        )
        invoice.action_post()
        bottles = invoice.invoice_line_ids.filtered(lambda line: line.name == "Bottles")
        dispute = self._create_dispute(invoice, amount=400.0, move_line_ids=[Command.set(bottles.ids)])
        dispute.with_user(self.finance).action_resolve_credit_note()
        self.assertEqual(dispute.refund_id.invoice_line_ids.mapped("price_unit"), [400.0])
        self.assertIn("Bottles", dispute.refund_id.invoice_line_ids.name)

    def test_department_user_cannot_issue_a_credit_note(self):
        dispute = self._create_dispute()
        with self.assertRaises(AccessError):
            dispute.with_user(self.logistics_user).action_resolve_credit_note()
        self.assertFalse(dispute.refund_id)
        self.assertTrue(dispute.is_open)

    def test_credit_note_keeps_the_invoice_salesperson_and_team(self):
        team = self.env["crm.team"].create({"name": "Export (test)"})
        invoice = self._create_invoice(1000.0, post=False)
        invoice.team_id = team
        invoice.action_post()
        dispute = self._create_dispute(invoice, amount=300.0)
        dispute.with_user(self.finance).action_resolve_credit_note()
        self.assertRecordValues(
            dispute.refund_id,
            [{"invoice_user_id": self.salesman.id, "team_id": team.id, "reversed_entry_id": invoice.id}],
        )
