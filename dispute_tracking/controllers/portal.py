from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import float_round

from odoo.addons.account.controllers.portal import PortalAccount
from odoo.addons.portal.controllers.portal import pager as portal_pager

DISPUTES_PER_PAGE = 20


class DisputePortal(PortalAccount):
    # ------------------------------------------------------------
    # My Disputes
    # ------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dispute_count" in counters:
            Dispute = request.env["dispute.dispute"]
            values["dispute_count"] = Dispute.search_count([]) if Dispute.has_access("read") else 0
        return values

    @http.route(["/my/disputes", "/my/disputes/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_disputes(self, page=1, **kw):
        """The disputes of the customer's commercial entity (the portal record rule)."""
        Dispute = request.env["dispute.dispute"]
        if not Dispute.has_access("read"):
            return request.redirect("/my")
        count = Dispute.search_count([])
        pager = portal_pager(url="/my/disputes", total=count, page=page, step=DISPUTES_PER_PAGE)
        disputes = Dispute.search([], order="date_open desc, id desc", limit=DISPUTES_PER_PAGE, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dispute",
                "disputes": disputes.sudo(),
                "pager": pager,
                "default_url": "/my/disputes",
            }
        )
        return request.render("dispute_tracking.portal_my_disputes", values)

    @http.route("/my/disputes/<int:dispute_id>", type="http", auth="user", website=True)
    def portal_my_dispute(self, dispute_id, **kw):
        dispute = request.env["dispute.dispute"].browse(dispute_id)
        try:
            dispute.check_access("read")
            dispute_sudo = dispute.sudo().exists()
        except (AccessError, MissingError):
            return request.redirect("/my/disputes")
        if not dispute_sudo:
            return request.redirect("/my/disputes")
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "dispute",
                "dispute": dispute_sudo,
                "dispute_messages": dispute_sudo._get_portal_messages(),
            }
        )
        return request.render("dispute_tracking.portal_my_dispute", values)

    @http.route("/my/invoices/<int:invoice_id>/dispute", type="http", auth="public", methods=["POST"], website=True)
    def portal_invoice_dispute(self, invoice_id, access_token=None, message="", reason_id=None, amount=None, **kw):
        try:
            invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        result = self._portal_dispute_create(invoice_sudo, message, reason_id, amount)
        return request.redirect(invoice_sudo.get_portal_url(query_string=f"&dispute={result}"))

    def _portal_dispute_create(self, invoice_sudo, message, reason_id=None, amount=None):
        """Opens the dispute; returns 'opened', 'bad_reason' or 'error' for the page to tell the customer."""
        user = request.env.user
        partner = invoice_sudo.partner_id if user._is_public() else user.partner_id
        try:
            reason = request.env["dispute.reason"].sudo().browse(int(reason_id)) if reason_id else None
        except ValueError:
            return "bad_reason"
        if reason is not None:
            try:
                invoice_sudo._check_portal_dispute_reason(reason)
            except UserError:
                return "bad_reason"
        try:
            value = float_round(float(amount), precision_rounding=invoice_sudo.currency_id.rounding) if amount else None
            with request.env.cr.savepoint():
                invoice_sudo._portal_open_dispute(message, partner, reason=reason, amount=value)
        except (UserError, ValidationError, ValueError):
            return "error"
        return "opened"
