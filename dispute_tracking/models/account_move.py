from odoo import _, api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    dispute_ids = fields.One2many("dispute.dispute", "move_id", string="Disputes")
    dispute_count = fields.Integer(compute="_compute_dispute_count")

    @api.depends("dispute_ids")
    def _compute_dispute_count(self):
        groups = self.env["dispute.dispute"]._read_group([("move_id", "in", self.ids)], ["move_id"], ["__count"])
        counts = {move.id: count for move, count in groups}
        for move in self:
            move.dispute_count = counts.get(move._origin.id, 0)

    def action_open_dispute(self):
        """The dispute form, prefilled from this invoice."""
        self.ensure_one()
        self._check_can_be_disputed()
        return {
            "type": "ir.actions.act_window",
            "res_model": "dispute.dispute",
            "view_mode": "form",
            "name": _("Open a Dispute"),
            "target": "new",
            "context": {"default_move_id": self.id, "default_amount": self.amount_residual},
        }

    def action_view_disputes(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("dispute_tracking.dispute_dispute_action")
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {"default_move_id": self.id, "default_amount": self.amount_residual}
        return action

    def _check_can_be_disputed(self):
        for move in self:
            if move.move_type != "out_invoice" or move.state != "posted":
                raise UserError(
                    _("Only posted customer invoices can be disputed; %(move)s is not one.", move=move.display_name)
                )

    def _default_dispute_reason(self):
        """The catch-all reason, else the first one available."""
        reason = self.env.ref("dispute_tracking.dispute_reason_other", raise_if_not_found=False)
        if reason and reason.active:
            return reason
        return self.env["dispute.reason"].search([("company_id", "in", [False, *self.company_id.ids])], limit=1)

    def _open_dispute_from_dunning(self, reason=None, amount=None, description=None):
        """Entry point for the dunning contact outcome 'dispute': one dispute per invoice, for
        ``amount`` (default: what is still due), routed by ``reason`` (default: 'Other').
        Returns the disputes; the invoices leave dunning at once."""
        self._check_can_be_disputed()
        reason = reason or self._default_dispute_reason()
        if not reason:
            raise UserError(_("Configure at least one dispute reason first."))
        return self.env["dispute.dispute"].create(
            [
                {
                    "move_id": move.id,
                    "reason_id": reason.id,
                    "amount": amount if amount is not None else move.amount_residual,
                    "description": description,
                }
                for move in self
            ]
        )

    def _dunning_open_dispute(self, action):
        """The dunning contact outcome 'dispute': a dispute on each invoice of the contact that
        has none open yet, routed by the reason the collector chose, with the collector's notes."""
        result = super()._dunning_open_dispute(action)
        undisputed = self.filtered(lambda move: not move.sudo().dispute_ids.filtered("is_open"))
        if undisputed:
            undisputed._open_dispute_from_dunning(reason=action.dispute_reason_id or None, description=action.note)
        return result

    def _portal_open_dispute(self, message, partner, reason=None, amount=None):
        """What the customer's portal form does, on an invoice the controller checked access to
        (call it as superuser): the dispute, with the customer's message in its chatter."""
        self.ensure_one()
        message = (message or "").strip()
        if not message:
            raise UserError(_("Tell us what is wrong with this invoice."))
        if self.dispute_ids.filtered("is_open"):
            raise UserError(_("A dispute is already open on this invoice: we are working on it."))
        if reason is not None:
            self._check_portal_dispute_reason(reason)
        dispute = self._open_dispute_from_dunning(reason=reason, amount=amount, description=message)
        dispute.message_post(
            body=message, author_id=partner.id, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        return dispute

    def _check_portal_dispute_reason(self, reason):
        """Customers choose among the active reasons of the invoice's company and the shared ones."""
        reason = reason.sudo()
        if (
            not reason.exists()
            or not reason.active
            or reason.company_id not in (self.company_id, reason.company_id.browse())
        ):
            raise UserError(_("This reason cannot be chosen for this invoice: pick one of the reasons of the list."))

    def _get_portal_disputes(self):
        """The disputes the invoice page shows to the customer."""
        self.ensure_one()
        return self.sudo().dispute_ids
