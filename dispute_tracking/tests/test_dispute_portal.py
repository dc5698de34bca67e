from odoo import http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import DisputeCommon


@tagged("post_install", "-at_install")
class TestDisputePortal(DisputeCommon):
    def test_customer_opens_a_dispute_with_a_message(self):
        invoice = self._create_invoice(1000.0)
        dispute = invoice.sudo()._portal_open_dispute(
            "Two crates arrived broken.", self.contact, reason=self.reason_damaged, amount=200.0
        )
        self.assertEqual(dispute.amount, 200.0)
        self.assertEqual(dispute.description, "Two crates arrived broken.")
        self.assertEqual(dispute.department_id, self.logistics)
        self.assertTrue(invoice.in_dispute)
        comment = dispute.message_ids.filtered(lambda m: m.author_id == self.contact)
        self.assertIn("Two crates arrived broken.", comment.body)

    def test_customer_must_write_a_message(self):
        invoice = self._create_invoice()
        with self.assertRaises(UserError):
            invoice.sudo()._portal_open_dispute("  ", self.contact)
        self.assertFalse(invoice.dispute_ids)

    def test_customer_cannot_open_a_second_dispute_while_one_is_open(self):
        invoice = self._create_invoice()
        invoice.sudo()._portal_open_dispute("Wrong price", self.contact)
        with self.assertRaises(UserError):
            invoice.sudo()._portal_open_dispute("Still wrong", self.contact)
        self.assertEqual(len(invoice.dispute_ids), 1)

    def test_portal_user_reads_the_dispute_opened_on_its_invoice(self):
        invoice = self._create_invoice()
        dispute = invoice.sudo()._portal_open_dispute("Wrong price", self.contact)
        self.assertEqual(dispute.with_user(self.portal_user).read(["stage"])[0]["stage"], "new")


@tagged("post_install", "-at_install")
class TestDisputePortalHttp(DisputeCommon, HttpCase):
    def test_portal_form_opens_the_dispute(self):
        invoice = self._create_invoice(1000.0)
        invoice._portal_ensure_token()
        self.authenticate(self.portal_user.login, self.portal_user.login)
        page = self.url_open(invoice.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn("invoice_dispute_form", page.text)
        response = self.url_open(
            f"/my/invoices/{invoice.id}/dispute",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "access_token": invoice.access_token,
                "message": "The discount is missing.",
                "reason_id": self.reason_quality.id,
                "amount": "150",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("dispute=opened", response.url)
        dispute = invoice.dispute_ids
        self.assertEqual(dispute.amount, 150.0)
        self.assertEqual(dispute.reason_id, self.reason_quality)
        self.assertEqual(dispute.description, "The discount is missing.")

    def test_portal_form_refuses_an_amount_above_what_is_due(self):
        invoice = self._create_invoice(1000.0)
        invoice._portal_ensure_token()
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open(
            f"/my/invoices/{invoice.id}/dispute",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "access_token": invoice.access_token,
                "message": "x",
                "amount": "5000",
            },
        )
        self.assertIn("dispute=error", response.url)
        self.assertFalse(invoice.dispute_ids)
