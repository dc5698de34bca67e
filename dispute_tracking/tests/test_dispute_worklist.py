from odoo import Command
from odoo.exceptions import AccessError

from .common import DisputeCommon


class TestDisputeWorklist(DisputeCommon):
    """The collector's worklist (credit_control) counts the disputes past their deadline."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Worklist = cls.env["credit.collector.worklist"]
        cls.company.dunning_collector_id = cls.finance

    def line(self, partner, user=None):
        self.Worklist.invalidate_model()
        return self.Worklist.with_user(user or self.finance).search([("partner_id", "=", partner.id)])

    def test_a_dispute_past_its_deadline_puts_the_customer_on_the_list(self):
        dispute = self._create_dispute(amount=300.0)
        self.assertFalse(self.line(self.customer).to_do_today, "within its deadline: nothing to chase")
        self._backdate(dispute, 15)
        line = self.line(self.customer)
        self.assertRecordValues(
            line,
            [
                {
                    "to_do_today": True,
                    "dispute_late_count": 1,
                    "dispute_late_amount": 300.0,
                    "score": 300.0,
                    "next_action": "dispute",
                    "user_id": self.finance.id,
                }
            ],
        )
        action = line.action_do_next_action()
        self.assertEqual((action["res_model"], action["res_id"]), ("dispute.dispute", dispute.id))
        dispute.action_resolve_credit_note()
        self.assertFalse(self.line(self.customer).to_do_today, "resolved: off the list")

    def test_the_late_dispute_ranks_with_the_calls(self):
        self._backdate(self._create_dispute(amount=300.0), 15)
        invoice = self._create_invoice(200.0, partner=self.other_customer)
        policy = self.env["credit.dunning.policy"]._get_company_default(self.company)
        stage = policy.stage_ids.filtered(lambda s: s.channel == "phone")[:1]
        self.env["credit.dunning.action"].create(
            {
                "partner_id": self.other_customer.id,
                "company_id": self.company.id,
                "policy_id": stage.policy_id.id,
                "stage_id": stage.id,
                "channel": "phone",
                "date": self.today,
                "move_ids": [Command.set(invoice.ids)],
            }
        )
        self.Worklist.invalidate_model()
        day = self.Worklist.with_user(self.finance).search([("to_do_today", "=", True)])
        self.assertEqual(day.partner_id.ids, [self.customer.id, self.other_customer.id])
        self.assertEqual(day.mapped("next_action"), ["dispute", "call"])

    def test_department_users_do_not_read_the_worklist(self):
        with self.assertRaises(AccessError):
            self.line(self.customer, user=self.logistics_user)
