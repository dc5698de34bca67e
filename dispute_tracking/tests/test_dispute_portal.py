import json

from odoo import http
from odoo.exceptions import UserError, ValidationError
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


@tagged("post_install", "-at_install")
class TestDisputePortalReason(DisputeCommon):
    """The portal takes only the active reasons of the invoice's company and the shared ones."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.setup_other_company()["company"]
        cls.reason_archived = cls.env["dispute.reason"].create(
            {"name": "Old reason (test)", "department_id": cls.quality.id, "active": False}
        )
        cls.reason_company_2 = cls.env["dispute.reason"].create(
            {"name": "Other company's (test)", "company_id": cls.company_2.id}
        )
        cls.reason_own = cls.env["dispute.reason"].create(
            {"name": "Own company's (test)", "company_id": cls.company.id, "department_id": cls.quality.id}
        )

    def test_inactive_or_foreign_reason_is_refused(self):
        invoice = self._create_invoice()
        for reason in (self.reason_archived, self.reason_company_2, self.env["dispute.reason"].browse(987654321)):
            with self.subTest(reason=reason.id), self.assertRaises(UserError):
                invoice.sudo()._portal_open_dispute("Wrong price", self.contact, reason=reason)
        self.assertFalse(invoice.dispute_ids)
        self.assertFalse(invoice.in_dispute)

    def test_own_company_and_shared_reasons_are_accepted(self):
        invoice = self._create_invoice()
        dispute = invoice.sudo()._portal_open_dispute("Wrong price", self.contact, reason=self.reason_own)
        self.assertEqual(dispute.department_id, self.quality)

    def test_a_foreign_reason_never_routes_a_dispute(self):
        with self.assertRaises(ValidationError):
            self._create_dispute(reason=self.reason_company_2)


@tagged("post_install", "-at_install")
class TestDisputePortalReasonHttp(DisputeCommon, HttpCase):
    def test_portal_form_refuses_an_archived_reason(self):
        reason = self.env["dispute.reason"].create({"name": "Archived (test)", "active": False})
        invoice = self._create_invoice(1000.0)
        invoice._portal_ensure_token()
        self.authenticate(self.portal_user.login, self.portal_user.login)
        for reason_id in (reason.id, "not-a-number"):
            response = self.url_open(
                f"/my/invoices/{invoice.id}/dispute",
                data={
                    "csrf_token": http.Request.csrf_token(self),
                    "access_token": invoice.access_token,
                    "message": "Wrong price.",
                    "reason_id": reason_id,
                },
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn("dispute=bad_reason", response.url)
            self.assertIn("this reason cannot be chosen", response.text)
        self.assertFalse(invoice.dispute_ids)


@tagged("post_install", "-at_install")
class TestDisputePortalPages(DisputeCommon, HttpCase):
    """The customer's disputes on a portal page of their own, as the portal user reads them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_contact = cls.env["res.partner"].create({"name": "Paul Compta", "parent_id": cls.customer.id})
        cls.own = cls._create_dispute(amount=120.0, description="The crates arrived broken.")
        # Another contact of the same customer: its disputes are the customer's too.
        cls.colleague = cls._create_dispute(cls._create_invoice(partner=cls.other_contact), amount=80.0)
        cls.foreign = cls._create_dispute(cls._create_invoice(partner=cls.other_customer), amount=999.0)
        cls.own.message_post(body="Internal: call the carrier", subtype_xmlid="mail.mt_note")
        cls.own.message_post(
            body="We send you a credit note this week.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        cls.own.write({"stage": "resolved", "resolution": "credit_note"})

    def setUp(self):
        super().setUp()
        self.authenticate(self.portal_user.login, self.portal_user.login)

    def test_disputes_page_lists_the_customer_disputes_only(self):
        page = self.url_open("/my/disputes")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.own.name, page.text)
        self.assertIn(self.colleague.name, page.text)
        self.assertNotIn(self.foreign.name, page.text)
        self.assertIn("Damaged delivery (test)", page.text)
        self.assertIn("Resolved", page.text)
        self.assertIn("Credit Note Issued", page.text)
        self.assertIn("Not answered yet", page.text)  # the colleague's dispute
        self.assertIn("breadcrumb-item active", page.text)

    def test_dispute_page_shows_message_and_answer(self):
        page = self.url_open(f"/my/disputes/{self.own.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("The crates arrived broken.", page.text)
        self.assertIn("We send you a credit note this week.", page.text)
        self.assertNotIn("call the carrier", page.text)
        self.assertIn('href="/my/disputes"', page.text)  # breadcrumb back to the list

    def test_dispute_of_another_customer_is_not_shown(self):
        page = self.url_open(f"/my/disputes/{self.foreign.id}")
        self.assertTrue(page.url.endswith("/my/disputes"))
        self.assertNotIn("999.00", page.text)

    def test_home_counts_the_disputes(self):
        home = self.url_open("/my/home")
        self.assertIn('data-placeholder_count="dispute_count"', home.text)
        response = self.url_open(
            "/my/counters",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {"counters": ["dispute_count"]}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.json()["result"], {"dispute_count": 2})

    def test_invoice_page_shows_the_message_sent(self):
        invoice = self._create_invoice(500.0)
        invoice._portal_ensure_token()
        response = self.url_open(
            f"/my/invoices/{invoice.id}/dispute",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "access_token": invoice.access_token,
                "message": "The discount of 5 % is missing.",
                "reason_id": self.reason_quality.id,
                "amount": "25",
            },
        )
        self.assertIn("dispute=opened", response.url)
        self.assertIn("The discount of 5 % is missing.", response.text)
        self.assertIn(invoice.dispute_ids._get_portal_url(), response.text)
        listing = self.url_open("/my/disputes")
        self.assertIn(invoice.dispute_ids.name, listing.text)
