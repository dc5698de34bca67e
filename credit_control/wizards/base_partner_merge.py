from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Merging a contact into another commercial entity moves its invoices and orders
        there, out of its own limit and policy: finance's decision when that entity is
        protected."""
        partners = self.env["res.partner"].browse(partner_ids).exists()
        if len(partners) > 1 and not partners._credit_is_finance():
            if not (dst_partner and dst_partner in partners):
                dst_partner = self._get_ordered_partner(partners.ids)[-1]
            leaving = (partners - dst_partner).filtered(
                lambda p: p.commercial_partner_id != dst_partner.commercial_partner_id
            )
            leaving.commercial_partner_id._check_credit_protection_kept(leaving)
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
