"""The browser tours need Chromium: without it Odoo skips them, which would hide four
journeys behind a line of the summary. ./dev install installs it, so its absence fails."""

import unittest

from odoo.tests.common import _find_executable


class TestBrowserInstalled(unittest.TestCase):
    def test_chromium_is_found_for_the_tours(self):
        try:
            executable = _find_executable()
        except unittest.SkipTest as skip:
            self.fail(f"{skip}: the browser tours cannot run. Install Chromium with ./dev install (as root).")
        self.assertTrue(executable)
