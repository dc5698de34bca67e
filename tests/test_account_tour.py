"""Odoo's own accounting tour (a new customer created from the invoice, its first invoice
sent and paid), with the suite installed: the suite's fields must not break Odoo's screens."""

from odoo.tests import tagged

from odoo.addons.account.tests.test_tour import TestUi


@tagged("post_install", "-at_install")
class TestAccountTourWithSuite(TestUi):
    pass
