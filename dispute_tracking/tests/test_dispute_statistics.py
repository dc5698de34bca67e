from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import DisputeCommon


@tagged("post_install", "-at_install")
class TestDisputeStatistics(DisputeCommon):
    def test_statistics_by_reason(self):
        # Closed in 4 days, within the 10-day deadline.
        on_time = self._create_dispute(amount=100.0, reason=self.reason_damaged)
        self._backdate(on_time, 6)
        on_time.write({"resolution": "corrected", "stage": "resolved"})
        on_time.date_closed = on_time.date_open + timedelta(days=4)
        # Still open after 12 days: past its deadline.
        late = self._create_dispute(amount=300.0, reason=self.reason_damaged)
        self._backdate(late, 12)
        # Another reason, not counted below.
        self._create_dispute(amount=50.0, reason=self.reason_quality)
        self.env.flush_all()

        groups = self.env["dispute.report"]._read_group(
            [("reason_id", "=", self.reason_damaged.id)],
            [],
            ["dispute_count:sum", "amount:sum", "resolution_days:avg", "late_rate:avg", "cash_blocked:sum"],
        )
        count, amount, resolution_days, late_rate, cash_blocked = groups[0]
        self.assertEqual(count, 2)
        self.assertEqual(amount, 400.0)
        self.assertAlmostEqual(resolution_days, 4.0, places=2)
        self.assertAlmostEqual(late_rate, 50.0)
        # 100 x 4 days + 300 x 12 days (to the nearest minute of the test run)
        self.assertAlmostEqual(cash_blocked, 100 * 4 + 300 * 12, delta=1.0)

    def test_statistics_group_by_department_salesperson_and_customer(self):
        self._create_dispute(amount=100.0, reason=self.reason_damaged)
        self._create_dispute(
            self._create_invoice(partner=self.other_customer, salesperson=self.salesman_2),
            amount=70.0,
            reason=self.reason_quality,
        )
        Report = self.env["dispute.report"]
        domain = [("date_open", ">=", fields.Datetime.now() - timedelta(hours=1))]
        by_department = dict(Report._read_group(domain, ["department_id"], ["amount:sum"]))
        self.assertEqual(by_department[self.logistics], 100.0)
        self.assertEqual(by_department[self.quality], 70.0)
        by_salesperson = dict(Report._read_group(domain, ["salesperson_id"], ["dispute_count:sum"]))
        self.assertEqual(by_salesperson[self.salesman_2], 1)
        by_customer = dict(Report._read_group(domain, ["partner_id"], ["amount:sum"]))
        self.assertEqual(by_customer[self.customer], 100.0)
