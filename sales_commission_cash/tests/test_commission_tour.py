"""Journey 4 in a real browser: a sales manager opens the commission report from the
Sales app and downloads the XLSX; the file Chromium saved is read back."""

import io
import shutil
import tempfile
import time
import unittest
from pathlib import Path

import openpyxl

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionTour(CommissionCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The Sales app's menu, as sale_management shows it to every database with Sales.
        cls.env.ref("sale.sale_menu_root").active = True
        cls.tour_manager = new_test_user(
            cls.env, "com_tour_manager", password="com_tour_manager", groups="sales_team.group_sale_manager"
        )
        cls.tour_manager.company_ids = [Command.set(cls.company.ids)]
        cls.tour_manager.company_id = cls.company
        cls._pay(cls._invoice())
        cls._pay(cls._invoice(user=cls.seller_2), amount=600.0)

    def setUp(self):
        super().setUp()
        self.download_dir = Path(tempfile.mkdtemp(prefix="commission_tour_"))
        self.addCleanup(shutil.rmtree, self.download_dir, ignore_errors=True)

    def authenticate(self, user, password, browser=None):
        # The tour's browser saves downloads where the test can read them.
        if browser:
            browser._websocket_request(
                "Browser.setDownloadBehavior", params={"behavior": "allow", "downloadPath": str(self.download_dir)}
            )
        return super().authenticate(user, password, browser=browser)

    def _downloaded_file(self):
        """The file Chromium wrote, once its download is complete (no .crdownload left)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            files = list(self.download_dir.iterdir())
            if files and not any(path.suffix == ".crdownload" for path in files):
                return files
            time.sleep(0.2)
        return list(self.download_dir.iterdir())

    def test_manager_downloads_the_report(self):
        try:
            self.start_tour("/odoo", "sales_commission_cash_report_xlsx", login="com_tour_manager")
        except unittest.SkipTest as skip:
            # A tour that cannot run is a failure: ./dev install installs Chromium.
            self.fail(f"The browser tour could not run ({skip}): install Chromium (./dev install)")

        files = self._downloaded_file()
        self.assertEqual(len(files), 1, f"one XLSX downloaded, got {files}")
        self.assertRegex(files[0].name, r"^commissions_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.xlsx$")
        book = openpyxl.load_workbook(io.BytesIO(files[0].read_bytes()), data_only=True)
        rows = list(book["Summary"].iter_rows(min_row=4, values_only=True))
        by_name = {row[0]: row for row in rows}
        self.assertEqual(set(by_name), {"Sonia Vente", "Paul Vente", "Total"})
        # Columns: salesperson, booked, invoiced, collected, commission earned, ...
        self.assertAlmostEqual(by_name["Sonia Vente"][4], 120.0)
        self.assertAlmostEqual(by_name["Paul Vente"][4], 60.0)
        self.assertAlmostEqual(by_name["Total"][4], 180.0)
        self.assertEqual(set(book.sheetnames), {"Summary", "Sonia Vente", "Paul Vente"})
