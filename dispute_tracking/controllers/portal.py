from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import float_round

from odoo.addons.account.controllers.portal import PortalAccount


class DisputePortal(PortalAccount):
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
