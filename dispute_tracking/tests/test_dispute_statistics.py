import re
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import file_open

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
            [
                "dispute_count:sum",
                "amount:sum",
                "resolution_days:avg",
                "late_rate:avg",
                "amount_days:sum",
                "cash_blocked:sum",
                "days_open:avg",
            ],
        )
        count, amount, resolution_days, late_rate, amount_days, cash_blocked, days_open = groups[0]
        self.assertEqual(count, 2)
        self.assertEqual(amount, 400.0)
        self.assertAlmostEqual(resolution_days, 4.0, places=2)
        self.assertAlmostEqual(late_rate, 50.0)
        # 100 x 4 days + 300 x 12 days (to the nearest minute of the test run)
        self.assertAlmostEqual(amount_days, 100 * 4 + 300 * 12, delta=1.0)
        # Only the open dispute still blocks cash; days open on average: (4 + 12) / 2.
        self.assertEqual(cash_blocked, 300.0)
        self.assertAlmostEqual(days_open, 8.0, delta=0.01)

    def test_statistics_default_to_what_people_read(self):
        """Cash blocked, days open and counts by default; amount x days on request only."""
        Report = self.env["dispute.report"]
        pivot = Report.get_view(view_type="pivot")["arch"]
        measures = set(re.findall(r'<field name="(\w+)" type="measure"', pivot))
        self.assertEqual(measures, {"dispute_count", "cash_blocked", "days_open"})
        graph = Report.get_view(view_type="graph")["arch"]
        self.assertEqual(re.findall(r'<field name="(\w+)" type="measure"', graph), ["cash_blocked"])
        self.assertIn("amount_days", Report.fields_get(["amount_days"]))

    def test_disputes_have_their_own_icon(self):
        menu = self.env.ref("dispute_tracking.menu_dispute_root")
        self.assertEqual(menu.web_icon, "dispute_tracking,static/description/icon.png")
        with file_open("dispute_tracking/static/description/icon.png", "rb") as icon:
            self.assertEqual(icon.read(8), b"\x89PNG\r\n\x1a\n")

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
