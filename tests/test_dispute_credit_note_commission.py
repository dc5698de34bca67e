"""Cross-addon: the credit note of a dispute takes the commission back from the salespeople
who shared the invoice, in the same shares, whoever issues it."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestDisputeCreditNoteCommission(AccountTestInvoicingCommon):
    def test_dispute_credit_note_keeps_salesperson_and_commission_split(self):
        sam = new_test_user(self.env, "cx_sam", groups="sales_team.group_sale_salesman")
        sophie = new_test_user(self.env, "cx_sophie", groups="sales_team.group_sale_salesman")
        finance = new_test_user(self.env, "cx_fiona", groups="credit_control.group_credit_controller")
        env = self.env(su=True)  # the set-up is the administrator's
        customer = env["res.partner"].create({"name": "Cross Customer", "is_company": True})
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": "2026-01-10",
                "invoice_user_id": sam.id,
                "invoice_line_ids": [Command.create({"name": "Crates", "quantity": 1, "price_unit": 1000.0})],
                "commission_split_ids": [
                    Command.create({"user_id": sam.id, "share": 60.0}),
                    Command.create({"user_id": sophie.id, "share": 40.0}),
                ],
            }
        )
        invoice.action_post()
        reason = env["dispute.reason"].create({"name": "Cross reason"})
        dispute = env["dispute.dispute"].create({"move_id": invoice.id, "amount": 200.0, "reason_id": reason.id})
        dispute.with_user(finance).action_resolve_credit_note()
        refund = dispute.refund_id
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.invoice_user_id, sam, "not the finance user who clicked")
        self.assertEqual(refund.team_id, invoice.team_id)
        self.assertEqual(
            sorted((split.user_id.login, split.share) for split in refund.commission_split_ids),
            [("cx_sam", 60.0), ("cx_sophie", 40.0)],
        )
        self.assertEqual(refund.amount_total, 200.0)
        self.assertEqual(invoice.amount_residual, 800.0)
