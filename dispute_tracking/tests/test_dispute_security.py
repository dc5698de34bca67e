from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import DisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeSecurity(DisputeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.damaged = cls._create_dispute(reason=cls.reason_damaged)
        cls.quality_issue = cls._create_dispute(
            cls._create_invoice(partner=cls.other_customer, salesperson=cls.salesman_2), reason=cls.reason_quality
        )
        cls.all_disputes = cls.damaged | cls.quality_issue

    def _visible(self, user):
        return self.env["dispute.dispute"].with_user(user).search([("id", "in", self.all_disputes.ids)])

    def test_department_user_sees_only_its_department(self):
        self.assertEqual(self._visible(self.logistics_user), self.damaged)
        self.assertEqual(self._visible(self.quality_user), self.quality_issue)
        with self.assertRaises(AccessError):
            self.quality_issue.with_user(self.logistics_user).read(["amount"])

    def test_department_user_reads_only_the_invoices_of_its_disputes(self):
        invoices = self.env["account.move"].with_user(self.logistics_user)
        self.assertEqual(invoices.search([("id", "in", self.all_disputes.move_id.ids)]), self.damaged.move_id)
        self.assertEqual(self.damaged.move_id.with_user(self.logistics_user).name, self.damaged.move_id.name)
        with self.assertRaises(AccessError):
            self.quality_issue.move_id.with_user(self.logistics_user).read(["name"])
        with self.assertRaises(AccessError):
            self.damaged.move_id.with_user(self.logistics_user).write({"ref": "changed"})

    def test_department_manager_sees_its_department(self):
        self.assertEqual(self._visible(self.logistics_manager), self.damaged)

    def test_department_user_handles_its_disputes(self):
        dispute = self.damaged.with_user(self.logistics_user)
        dispute.action_start()
        dispute.write({"resolution": "corrected", "root_cause": "Pallets not strapped"})
        dispute.action_resolve()
        self.assertEqual(self.damaged.stage, "resolved")
        self.assertFalse(self.damaged.move_id.in_dispute)
        with self.assertRaises(AccessError):
            self.quality_issue.with_user(self.logistics_user).write({"stage": "in_progress"})

    def test_department_user_cannot_configure_routing(self):
        with self.assertRaises(AccessError):
            self.reason_damaged.with_user(self.logistics_user).write({"department_id": self.quality.id})
        with self.assertRaises(AccessError):
            self.logistics.with_user(self.logistics_user).write({"member_ids": [Command.link(self.quality_user.id)]})

    def test_finance_sees_all_and_configures(self):
        self.assertEqual(self._visible(self.finance), self.all_disputes)
        self.reason_damaged.with_user(self.finance).deadline_days = 7
        self.assertEqual(self.reason_damaged.deadline_days, 7)

    def test_salesperson_sees_its_customers_disputes(self):
        self.assertEqual(self._visible(self.salesman), self.damaged)
        self.assertEqual(self._visible(self.salesman_2), self.quality_issue)

    def test_salesperson_opens_a_dispute_on_its_customer_invoice(self):
        invoice = self._create_invoice(500.0)
        dispute = self._create_dispute(invoice, amount=50.0, user=self.salesman)
        self.assertEqual(dispute.user_id, self.logistics_user)
        with self.assertRaises(AccessError):
            self._create_dispute(
                self._create_invoice(partner=self.other_customer, salesperson=self.salesman_2), user=self.salesman
            )

    def test_portal_user_sees_only_its_own_and_cannot_write(self):
        self.assertEqual(self._visible(self.portal_user), self.damaged)
        with self.assertRaises(AccessError):
            self.damaged.with_user(self.portal_user).write({"stage": "resolved", "resolution": "corrected"})
        with self.assertRaises(AccessError):
            self._create_dispute(user=self.portal_user)

    def test_statistics_follow_the_same_rules(self):
        Report = self.env["dispute.report"]
        self.assertEqual(
            Report.with_user(self.logistics_user).search([("dispute_id", "in", self.all_disputes.ids)]).dispute_id,
            self.damaged,
        )
        self.assertEqual(
            Report.with_user(self.finance).search([("dispute_id", "in", self.all_disputes.ids)]).dispute_id,
            self.all_disputes,
        )
        with self.assertRaises(AccessError):
            Report.with_user(self.portal_user).search([])

    def test_other_company_disputes_are_invisible(self):
        company_2 = self.setup_other_company()["company"]
        other = self._create_dispute(self._create_invoice(company=company_2))
        both = other | self.damaged
        Dispute = self.env["dispute.dispute"].with_user(self.finance)
        self.assertEqual(Dispute.search([("id", "in", both.ids)]), self.damaged)
        self.finance.company_ids = [Command.link(company_2.id)]
        current_only = Dispute.with_context(allowed_company_ids=self.company.ids)
        self.assertEqual(current_only.search([("id", "in", both.ids)]), self.damaged)
        both_companies = Dispute.with_context(allowed_company_ids=[self.company.id, company_2.id])
        self.assertEqual(both_companies.search([("id", "in", both.ids)]), both)


@tagged("post_install", "-at_install")
class TestDisputeRoutingLock(DisputeCommon):
    """A department user attacking over RPC: disputes only on invoices it may read, and the
    invoice, department and owner of a dispute are changed by finance only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.damaged = cls._create_dispute(cls._create_invoice(1000.0), amount=300.0, reason=cls.reason_damaged)
        cls.foreign_invoice = cls._create_invoice(800.0, partner=cls.other_customer, salesperson=cls.salesman_2)

    def test_department_user_cannot_open_a_dispute_on_an_invoice_it_cannot_read(self):
        with self.assertRaises(AccessError):
            self._create_dispute(self.foreign_invoice, amount=100.0, user=self.logistics_user)
        Dispute = self.env["dispute.dispute"].with_user(self.logistics_user)
        with self.assertRaises(AccessError):  # the invoice given as a default, as the form does
            Dispute.with_context(default_move_id=self.foreign_invoice.id).create(
                {"amount": 100.0, "reason_id": self.reason_damaged.id}
            )
        with self.assertRaises(AccessError):  # through the invoice's disputes
            self.foreign_invoice.with_user(self.logistics_user).write(
                {"dispute_ids": [Command.create({"amount": 100.0, "reason_id": self.reason_damaged.id})]}
            )
        self.assertFalse(self.foreign_invoice.dispute_ids)
        self.assertFalse(self.foreign_invoice.in_dispute, "its dunning goes on")

    def test_department_user_opens_a_dispute_on_an_invoice_it_reads(self):
        dispute = self._create_dispute(self.damaged.move_id, amount=100.0, user=self.logistics_user)
        self.assertEqual(dispute.move_id, self.damaged.move_id)

    def test_department_user_cannot_move_its_dispute(self):
        dispute = self.damaged.with_user(self.logistics_user)
        for values in (
            {"move_id": self.foreign_invoice.id},
            {"department_id": self.quality.id},
            {"user_id": self.quality_user.id},
            {"reason_id": self.reason_quality.id},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                dispute.write(values)
        self.assertRecordValues(
            self.damaged,
            [
                {
                    "move_id": self.damaged.move_id.id,
                    "department_id": self.logistics.id,
                    "user_id": self.logistics_user.id,
                }
            ],
        )
        self.assertFalse(self.foreign_invoice.in_dispute)
        with self.assertRaises(AccessError):
            self.foreign_invoice.with_user(self.logistics_user).read(["name"])
        # Its own work goes on: notes and stages.
        dispute.write({"root_cause": "Pallets not strapped", "user_id": self.logistics_user.id})

    def test_finance_reroutes_a_dispute(self):
        dispute = self.damaged.with_user(self.finance)
        dispute.write({"department_id": self.quality.id, "user_id": self.quality_user.id})
        self.assertEqual(self.damaged.user_id, self.quality_user)
        dispute.write({"move_id": self.foreign_invoice.id})
        self.assertTrue(self.foreign_invoice.in_dispute)

    def test_amount_check_counts_the_disputes_the_user_cannot_see(self):
        invoice = self.damaged.move_id
        self._create_dispute(invoice, amount=600.0, reason=self.reason_quality)
        Dispute = self.env["dispute.dispute"].with_user(self.logistics_user)
        self.assertEqual(Dispute.search([("move_id", "=", invoice.id)]), self.damaged, "the quality one is hidden")
        with self.assertRaises(ValidationError):
            self._create_dispute(invoice, amount=300.0, user=self.logistics_user)
        self.assertEqual(len(invoice.dispute_ids), 2)
        with self.assertRaises(ValidationError):
            self.damaged.with_user(self.logistics_user).amount = 500.0
