from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tools import SQL, float_compare, format_amount, format_date

# Fields written only by the credit gate and finance's decisions (as superuser, after their
# own access checks): a user who could write them through RPC would skip the gate.
CREDIT_GATE_FIELDS = {
    "credit_release_state",
    "credit_released_amount",
    "credit_checked_amount",
    "credit_release_reason",
    "credit_release_requested_by",
}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    credit_release_state = fields.Selection(
        [
            ("requested", "Release Requested"),
            ("released", "Released"),
            ("refused", "Refused"),
            ("prepayment", "Prepayment Requested"),
        ],
        string="Credit Release",
        copy=False,
        readonly=True,
        tracking=True,
    )
    credit_release_reason = fields.Text(string="Release Request Reason", copy=False, readonly=True)
    credit_release_requested_by = fields.Many2one("res.users", string="Release Requested By", copy=False, readonly=True)
    credit_released_amount = fields.Monetary(
        string="Released Up To",
        copy=False,
        readonly=True,
        help="Finance released this order up to this total: a larger order is checked again.",
    )
    credit_checked_amount = fields.Monetary(
        copy=False,
        readonly=True,
        help="Total of the order when it passed the credit check: if it grows, it is checked again.",
    )
    credit_amount_to_invoice = fields.Monetary(
        string="Credit Amount to Invoice",
        compute="_compute_credit_amount_to_invoice",
        store=True,
        help="What the order still weighs on the customer's credit: ordered and not yet "
        "invoiced, taxes included, whatever was delivered.",
    )
    credit_hold_message = fields.Text(string="Credit Hold", compute="_compute_credit_hold")
    credit_hold_blocking = fields.Boolean(compute="_compute_credit_hold")
    credit_hold_releasable = fields.Boolean(compute="_compute_credit_hold")
    credit_company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    credit_exposure = fields.Monetary(
        string="Customer Exposure",
        currency_field="credit_company_currency_id",
        compute="_compute_credit_hold",
        help="Open receivables and order book of the customer, plus this order.",
    )
    credit_limit_effective = fields.Monetary(
        string="Credit Limit",
        currency_field="credit_company_currency_id",
        compute="_compute_credit_hold",
    )

    def init(self):
        """The credit check reads the confirmed orders of a customer at every confirmation."""
        result = super().init()
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS sale_order_credit_order_book_idx
                    ON sale_order (partner_invoice_id, company_id)
                    INCLUDE (currency_id, credit_amount_to_invoice)
                 WHERE state = 'sale'
                """
            )
        )
        return result

    @api.depends("order_line.price_total", "order_line.product_uom_qty", "order_line.qty_invoiced")
    def _compute_credit_amount_to_invoice(self):
        for order in self:
            order.credit_amount_to_invoice = sum(
                line.price_total * max(line.product_uom_qty - line.qty_invoiced, 0.0) / line.product_uom_qty
                for line in order.order_line
                if not line.display_type and line.product_uom_qty > 0
            )

    # ------------------------------------------------------------------
    # The gate: one evaluation, used to confirm, to warn and to hold
    # ------------------------------------------------------------------
    @api.depends("partner_invoice_id", "amount_total", "payment_term_id", "client_order_ref", "state")
    @api.depends_context("company")
    def _compute_credit_hold(self):
        pending = self.filtered(lambda o: o.state in ("draft", "sent") and o.partner_invoice_id)
        evaluation = pending._credit_evaluate() if pending else {}
        for order in self:
            result = evaluation.get(order.id) or {}
            order.credit_hold_message = "\n".join(result.get("missing", []) + result.get("reasons", []))
            order.credit_hold_blocking = bool(result.get("blocking"))
            order.credit_hold_releasable = bool(result.get("releasable"))
            order.credit_exposure = result.get("exposure", 0.0)
            order.credit_limit_effective = result.get("limit", 0.0)

    def _credit_evaluate(self, lock=False):
        """What the gate says of each order, without acting on it.

        A constant number of queries per company: the exposure of all the customers at once.
        With ``lock``, the customers' rows are locked first, so that two transactions
        confirming orders of the same customer cannot both pass on the same exposure.

        :return: {order id: {missing, reasons, blocking, alert, releasable, exposure, limit}}
        """
        results = {}
        for company, company_orders in self.grouped("company_id").items():
            orders = company_orders.with_company(company)
            debtors = orders.partner_invoice_id.commercial_partner_id.with_company(company)
            to_measure = debtors.filtered(lambda debtor: debtor._get_credit_policy() != "none")
            if lock and to_measure:
                self._credit_lock_partners(to_measure)
            exposures = to_measure._get_credit_exposure(company, current_orders=orders)
            for order in orders:
                results[order.id] = order._credit_evaluate_order(exposures)
        return results

    def _credit_evaluate_order(self, exposures):
        self.ensure_one()
        debtor = self.partner_invoice_id.commercial_partner_id.with_company(self.company_id)
        currency = self.company_id.currency_id
        paid_in_full = self._credit_is_paid_in_full()
        result = {
            "missing": self._credit_missing_information(paid_in_full),
            "reasons": [],
            "blocking": False,
            "alert": False,
            "releasable": False,
            "exposure": 0.0,
            "limit": debtor._get_credit_limit_in_force(),
        }
        exposure = exposures.get(debtor.id)
        if exposure:
            result["exposure"] = sum(exposure[key] for key in ("receivable", "order_book", "current"))
        if not (paid_in_full or self._credit_is_released()):
            hard_reasons = self._credit_cash_in_advance_reasons(debtor)
            policy_reasons = self._credit_policy_reasons(debtor, exposure, result["limit"]) if exposure else []
            policy = debtor._get_credit_policy()
            result["reasons"] = hard_reasons + policy_reasons
            result["releasable"] = bool(hard_reasons or (policy_reasons and policy == "block"))
            result["alert"] = bool(policy_reasons) and policy == "alert"
        result["blocking"] = bool(result["missing"]) or result["releasable"]
        if result["reasons"]:
            result["reasons"].append(
                _(
                    "Customer exposure with this order: %(exposure)s for a limit of %(limit)s.",
                    exposure=format_amount(self.env, result["exposure"], currency),
                    limit=format_amount(self.env, result["limit"], currency) if result["limit"] else _("none"),
                )
            )
        return result

    def _credit_missing_information(self, paid_in_full=False):
        """What the company requires before any order is confirmed, whatever the channel."""
        self.ensure_one()
        company = self.company_id
        debtor = self.partner_invoice_id.commercial_partner_id
        missing = []
        if company.credit_require_payment_term and not self.payment_term_id and not paid_in_full:
            missing.append(_("Payment terms are missing."))
        if company.credit_require_address:
            for label, address in ((_("invoice"), self.partner_invoice_id), (_("delivery"), self.partner_shipping_id)):
                if not all((address.street, address.city, address.zip, address.country_id)):
                    missing.append(_("The %(kind)s address is incomplete (street, zip, city, country).", kind=label))
        if company.credit_require_vat and debtor.is_company and not debtor.vat:
            missing.append(_("The customer's tax ID is missing."))
        if debtor.credit_require_client_ref and not self.client_order_ref:
            missing.append(_("This customer requires its purchase order number in the Customer Reference."))
        return missing

    def _credit_cash_in_advance_reasons(self, debtor):
        if debtor.sudo().credit_cash_in_advance and not (self.payment_term_id and self.payment_term_id._is_immediate()):
            return [
                _(
                    "%(customer)s is on cash in advance: sell with an immediate payment term or have "
                    "the order paid online first.",
                    customer=debtor.name,
                )
            ]
        return []

    def _credit_policy_reasons(self, debtor, exposure, limit):
        """Over the limit, or an invoice overdue for too long: the reasons, with the figures
        (read in detail only then)."""
        currency = self.company_id.currency_id
        total = sum(exposure[key] for key in ("receivable", "order_book", "current"))
        over_limit = limit and float_compare(total, limit, precision_rounding=currency.rounding) > 0
        max_days = self.company_id.credit_overdue_days
        oldest = exposure["oldest_due_date"]
        days_overdue = (fields.Date.context_today(self) - oldest).days if oldest else 0
        overdue_hold = max_days and days_overdue > max_days
        if not (over_limit or overdue_hold):
            return []
        detail = debtor._get_credit_exposure(self.company_id, current_orders=self, detailed=True)[debtor.id]
        reasons = []
        if over_limit:
            reasons.append(
                _(
                    "%(customer)s is %(excess)s over its credit limit: overdue %(overdue)s, not yet due "
                    "%(not_due)s, order book %(book)s, this order %(current)s.",
                    customer=debtor.name,
                    excess=format_amount(self.env, total - limit, currency),
                    overdue=format_amount(self.env, detail["overdue"], currency),
                    not_due=format_amount(self.env, detail["not_due"], currency),
                    book=format_amount(self.env, exposure["order_book"], currency),
                    current=format_amount(self.env, exposure["current"], currency),
                )
            )
        if overdue_hold:
            reasons.append(
                _(
                    "%(count)s invoice(s) overdue, the oldest by %(days)s days since %(date)s "
                    "(more than the %(max)s days allowed); overdue total %(overdue)s.",
                    count=detail["overdue_count"],
                    days=days_overdue,
                    date=format_date(self.env, oldest),
                    max=max_days,
                    overdue=format_amount(self.env, detail["overdue"], currency),
                )
            )
        return reasons

    def _credit_is_released(self):
        self.ensure_one()
        return (
            self.credit_release_state == "released"
            and float_compare(
                self.amount_total, self.credit_released_amount, precision_rounding=self.currency_id.rounding
            )
            <= 0
        )

    def _credit_is_paid_in_full(self):
        """An order paid in full online is cash in advance: it passes."""
        self.ensure_one()
        return bool(self.transaction_ids) and (
            float_compare(self.amount_paid, self.amount_total, precision_rounding=self.currency_id.rounding) >= 0
        )

    def _credit_lock_partners(self, partners):
        """Serialize the credit checks of the same customers. Odoo runs its transactions in
        REPEATABLE READ: a plain lock would let the second one pass on its old snapshot,
        while updating the row makes it fail on a serialization error, and Odoo retries it
        with a snapshot that sees the first order."""
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET write_date = write_date WHERE id IN %s",
                tuple(sorted(partners.ids)),
            )
        )

    # ------------------------------------------------------------------
    # Confirmation: every channel writes state = 'sale'
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._check_credit_gate_fields(vals)
        orders = super().create(vals_list)
        orders.filtered(lambda o: o.state == "sale")._credit_check_confirmation(from_quotation=False)
        return orders

    def write(self, vals):
        if not self.env.su:
            self._check_credit_gate_fields(vals)
        confirming = self.filtered(lambda o: o.state != "sale") if vals.get("state") == "sale" else self.browse()
        result = super().write(vals)
        if confirming:
            confirming._credit_check_confirmation()
        return result

    @api.model
    def _check_credit_gate_fields(self, vals):
        forbidden = CREDIT_GATE_FIELDS.intersection(vals)
        if forbidden:
            raise AccessError(
                _(
                    "The credit release of an order is decided by finance: fields %(fields)s "
                    "cannot be written directly.",
                    fields=", ".join(sorted(forbidden)),
                )
            )

    def _credit_check_confirmation(self, from_quotation=True):
        """Refuse the orders the gate blocks; record the alerts; remember what passed."""
        evaluation = self._credit_evaluate(lock=True)
        blocked = self.filtered(lambda o: evaluation[o.id]["blocking"])
        if blocked:
            self._credit_raise_blocked(blocked, evaluation, from_quotation)
        for order in self:
            if evaluation[order.id]["alert"]:
                order._credit_post_alert(evaluation[order.id]["reasons"])
            order.sudo().credit_checked_amount = order.amount_total

    def _credit_raise_blocked(self, blocked, evaluation, from_quotation):
        error = self._credit_blocked_error(blocked, evaluation, from_quotation)
        # The transaction is rolled back: callers that catch the error in a savepoint must
        # not keep the refused state in their cache.
        self.env.invalidate_all()
        raise error

    def _credit_blocked_error(self, blocked, evaluation, from_quotation):
        order = blocked[0]
        result = evaluation[order.id]
        if result["missing"]:
            return UserError(
                _("%(order)s cannot be confirmed until it is complete:", order=order.name)
                + "\n- "
                + "\n- ".join(result["missing"])
            )
        message = "\n".join(
            [_("%(order)s is on credit hold and cannot be confirmed:", order=order.name)] + result["reasons"]
        )
        if order.credit_release_state == "requested":
            return UserError(message + "\n" + _("A release was requested: finance will decide."))
        message += "\n" + _("Finance can release it: ask for a release with a reason.")
        if len(blocked) == 1 and from_quotation:
            return RedirectWarning(
                message,
                self.env.ref("credit_control.credit_release_request_action").id,
                _("Request Credit Release"),
                {"default_order_id": order.id},
            )
        return UserError(message)

    def _credit_post_alert(self, reasons):
        """Alert policy: the order goes through, the chatter keeps why, finance is told."""
        self.ensure_one()
        controller = self.company_id._get_credit_controller()
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                _("Confirmed over the customer's credit limit (alert policy):"),
                Markup().join(Markup("<li>%s</li>") % reason for reason in reasons),
            ),
            partner_ids=controller.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )

    def _validate_order(self):
        """Portal signature: a held quotation stays signed, and people are told at once
        instead of the customer getting an error."""
        evaluation = self._credit_evaluate()
        held = self.filtered(lambda o: evaluation[o.id]["blocking"])
        for order in held:
            order._credit_notify_hold(evaluation[order.id])
        return super(SaleOrder, self - held)._validate_order()

    def _credit_notify_hold(self, result):
        self.ensure_one()
        controller = self.company_id._get_credit_controller()
        lines = result["missing"] + result["reasons"]
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                _("The customer accepted this quotation, but it is on hold and was not confirmed:"),
                Markup().join(Markup("<li>%s</li>") % line for line in lines),
            ),
            partner_ids=(self.user_id.partner_id | controller.partner_id).ids,
            subtype_xmlid="mail.mt_note",
        )

    def _credit_recheck_grown_orders(self):
        """A confirmed order whose total grows is checked again, for what it adds."""
        grown = self.filtered(
            lambda o: (
                o.state == "sale"
                and float_compare(o.amount_total, o.credit_checked_amount, precision_rounding=o.currency_id.rounding)
                > 0
            )
        )
        if grown:
            grown._credit_check_confirmation(from_quotation=False)

    # ------------------------------------------------------------------
    # Release requests
    # ------------------------------------------------------------------
    def action_request_credit_release(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_control.credit_release_request_action")
        action["context"] = {"default_order_id": self.id}
        return action

    def _credit_request_release(self, reason):
        """The salesperson asks finance to release this held quotation."""
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            raise UserError(_("Only a quotation can be released; %(order)s is not one.", order=self.name))
        if not (reason or "").strip():
            raise UserError(_("Explain to finance why this order should be released."))
        if self.credit_release_state == "requested":
            raise UserError(_("A release of %(order)s was already requested.", order=self.name))
        result = self._credit_evaluate()[self.id]
        if not result["releasable"]:
            raise UserError(_("%(order)s is not on credit hold: confirm it, or complete it first.", order=self.name))
        self.sudo().write(
            {
                "credit_release_state": "requested",
                "credit_release_reason": reason,
                "credit_release_requested_by": self.env.uid,
            }
        )
        debtor = self.partner_invoice_id.commercial_partner_id
        controller = self.company_id._get_credit_controller()
        summary = _(
            "Credit release: %(order)s (%(amount)s)",
            order=self.name,
            amount=format_amount(self.env, self.amount_total, self.currency_id),
        )
        note = Markup("<p>%s</p><p>%s</p>") % (reason, Markup("<br/>").join(result["reasons"]))
        debtor.sudo().activity_schedule(
            "credit_control.mail_activity_credit_release",
            summary=summary,
            note=note,
            user_id=controller.id or self.env.uid,
        )
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>") % (_("Credit release requested from finance:"), reason),
            subtype_xmlid="mail.mt_note",
        )
