from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare

DISPUTE_STAGES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("waiting", "Waiting for Customer"),
    ("resolved", "Resolved"),
    ("rejected", "Rejected"),
]
CLOSED_STAGES = ("resolved", "rejected")
DISPUTE_RESOLUTIONS = [
    ("credit_note", "Credit Note Issued"),
    ("corrected", "Invoice Corrected"),
    ("duplicate_sent", "Duplicate Sent"),
    ("rejected", "Claim Rejected"),
    ("partial_credit", "Partial Credit"),
]


class DisputeDispute(models.Model):
    """A customer's dispute on an invoice, owned by the department that can solve it. While
    it is open the invoice is flagged ``in_dispute`` and its dunning pauses."""

    _name = "dispute.dispute"
    _description = "Invoice Dispute"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_open desc, id desc"

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    move_line_ids = fields.Many2many(
        "account.move.line",
        string="Disputed Lines",
        domain="[('move_id', '=', move_id), ('display_type', '=', 'product')]",
        help="Optional: the invoice lines the customer disputes.",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", compute="_compute_from_invoice", store=True, index=True
    )
    product_id = fields.Many2one(
        "product.product",
        compute="_compute_product_id",
        store=True,
        index="btree_not_null",
        help="The product disputed: of the disputed lines, else of the invoice, when they have a single one.",
    )
    salesperson_id = fields.Many2one("res.users", compute="_compute_from_invoice", store=True, index="btree_not_null")
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="move_id.currency_id", store=True)
    company_currency_id = fields.Many2one(related="company_id.currency_id", string="Company Currency")
    amount = fields.Monetary(string="Disputed Amount", required=True, tracking=True)
    amount_company = fields.Monetary(
        string="Disputed Amount (Company Currency)",
        currency_field="company_currency_id",
        compute="_compute_amount_company",
        store=True,
    )
    invoice_residual = fields.Monetary(related="move_id.amount_residual", string="Invoice Amount Due")
    reason_id = fields.Many2one("dispute.reason", required=True, tracking=True, ondelete="restrict")
    department_id = fields.Many2one(
        "dispute.department",
        compute="_compute_department_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        ondelete="restrict",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
    )
    date_open = fields.Datetime(string="Opened On", default=fields.Datetime.now, required=True, readonly=True)
    date_deadline = fields.Date(
        string="Deadline", compute="_compute_date_deadline", store=True, readonly=False, tracking=True
    )
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    date_escalated = fields.Datetime(string="Escalated On", readonly=True, copy=False)
    stage = fields.Selection(
        DISPUTE_STAGES, default="new", required=True, tracking=True, group_expand="_group_expand_stage"
    )
    is_open = fields.Boolean(compute="_compute_is_open", store=True, index=True)
    is_late = fields.Boolean(string="Past Deadline", compute="_compute_is_late", search="_search_is_late")
    resolution = fields.Selection(DISPUTE_RESOLUTIONS, tracking=True, copy=False)
    root_cause = fields.Text(help="What went wrong, to fix the dysfunction for good.")
    description = fields.Text(string="Customer's Message")
    refund_id = fields.Many2one("account.move", string="Credit Note", readonly=True, copy=False, index="btree_not_null")
    resolution_days = fields.Float(
        string="Days to Resolve", compute="_compute_resolution_days", store=True, aggregator=None, digits=(16, 1)
    )

    @api.depends("move_id.commercial_partner_id", "move_id.invoice_user_id")
    def _compute_from_invoice(self):
        for dispute in self:
            dispute.partner_id = dispute.move_id.commercial_partner_id
            dispute.salesperson_id = dispute.move_id.invoice_user_id

    @api.depends("move_line_ids.product_id", "move_id.invoice_line_ids.product_id")
    def _compute_product_id(self):
        for dispute in self:
            lines = dispute.move_line_ids or dispute.sudo().move_id.invoice_line_ids
            products = lines.product_id
            dispute.product_id = products if len(products) == 1 else False

    @api.depends("amount", "move_id.amount_total", "move_id.amount_total_signed")
    def _compute_amount_company(self):
        for dispute in self:
            move = dispute.sudo().move_id  # also when the user may not read the invoice
            # The invoice's own rate, as booked: amount_total_signed is in company currency.
            rate = abs(move.amount_total_signed) / move.amount_total if move.amount_total else 1.0
            dispute.amount_company = dispute.amount * rate

    @api.depends("reason_id")
    def _compute_department_id(self):
        for dispute in self:
            dispute.department_id = dispute.reason_id.department_id or dispute.department_id

    @api.depends("department_id")
    def _compute_user_id(self):
        for dispute in self:
            dispute.user_id = dispute.department_id._get_default_owner() if dispute.department_id else dispute.user_id

    @api.depends("reason_id", "date_open")
    def _compute_date_deadline(self):
        for dispute in self:
            start = fields.Date.to_date(dispute.date_open or fields.Datetime.now())
            dispute.date_deadline = start + timedelta(days=dispute.reason_id.deadline_days)

    @api.depends("stage")
    def _compute_is_open(self):
        for dispute in self:
            dispute.is_open = dispute.stage not in CLOSED_STAGES

    @api.depends("is_open", "date_deadline", "date_closed")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for dispute in self:
            end = fields.Date.to_date(dispute.date_closed) if dispute.date_closed else today
            dispute.is_late = bool(dispute.date_deadline) and end > dispute.date_deadline

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(_("Search past-deadline disputes with = or != and a yes/no value."))
        late = [("is_open", "=", True), ("date_deadline", "<", fields.Date.context_today(self))]
        return late if (operator == "=") == value else ["!", *late]

    @api.depends("date_open", "date_closed")
    def _compute_resolution_days(self):
        for dispute in self:
            if dispute.date_closed and dispute.date_open:
                dispute.resolution_days = (dispute.date_closed - dispute.date_open).total_seconds() / 86400.0
            else:
                dispute.resolution_days = 0.0

    @api.model
    def _group_expand_stage(self, stages, domain):
        return [key for key, _label in DISPUTE_STAGES]

    # ---------------------------------------------------------------- constraints

    @api.constrains("move_id")
    def _check_invoice(self):
        for dispute in self:
            move = dispute.sudo().move_id  # also when the user may not read the invoice
            if move.move_type != "out_invoice":
                raise ValidationError(
                    _(
                        "%(move)s is not a customer invoice: only customer invoices can be disputed.",
                        move=move.display_name,
                    )
                )
            if move.state != "posted":
                raise ValidationError(
                    _("Invoice %(move)s is not posted: post it before opening a dispute on it.", move=move.display_name)
                )

    @api.constrains("amount", "move_id")
    def _check_amount(self):
        for dispute in self:
            currency = dispute.currency_id
            if float_compare(dispute.amount, 0.0, precision_rounding=currency.rounding) <= 0:
                raise ValidationError(_("The disputed amount must be positive."))
            # Open disputes on the same invoice add up: together they cannot exceed what is due,
            # those the user may not see included.
            move = dispute.sudo().move_id
            disputed = dispute.sudo() | move.dispute_ids.filtered("is_open")
            total = sum(disputed.mapped("amount"))
            if float_compare(total, move.amount_residual, precision_rounding=currency.rounding) > 0:
                raise ValidationError(
                    _(
                        "The disputed amount (%(amount)s) is above what is still due on %(move)s (%(residual)s): "
                        "enter at most the amount due.",
                        amount=currency.format(total),
                        move=move.display_name,
                        residual=currency.format(move.amount_residual),
                    )
                )

    @api.constrains("reason_id", "move_id")
    def _check_reason_company(self):
        for dispute in self.sudo():
            if dispute.reason_id.company_id and dispute.reason_id.company_id != dispute.company_id:
                raise ValidationError(
                    _(
                        "The reason %(reason)s belongs to another company than invoice %(move)s: "
                        "choose a reason of %(company)s.",
                        reason=dispute.reason_id.display_name,
                        move=dispute.move_id.display_name,
                        company=dispute.company_id.name,
                    )
                )

    @api.constrains("move_line_ids", "move_id")
    def _check_move_lines(self):
        for dispute in self:
            if dispute.move_line_ids.move_id - dispute.move_id:
                raise ValidationError(_("The disputed lines must be lines of the disputed invoice."))

    @api.constrains("stage", "resolution")
    def _check_resolution(self):
        for dispute in self:
            if dispute.stage in CLOSED_STAGES and not dispute.resolution:
                raise ValidationError(
                    _("Dispute %(name)s cannot be closed without a resolution: choose one first.", name=dispute.name)
                )

    # ---------------------------------------------------------------- CRUD

    @api.model_create_multi
    def create(self, vals_list):
        default_move = self.env.context.get("default_move_id")
        self._check_invoices_readable([vals.get("move_id", default_move) for vals in vals_list])
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("dispute.dispute") or "/"
        disputes = super().create(vals_list)
        disputes._route_to_owner()
        disputes._sync_invoice_dispute_flag(disputes.move_id)
        self.env["dispute.corrective.action"]._raise_for_recurring_causes(disputes.sudo().reason_id)
        return disputes

    def write(self, vals):
        self._check_routing_change(vals)
        if "stage" in vals:
            closing = vals["stage"] in CLOSED_STAGES
            vals = {**vals, "date_closed": fields.Datetime.now() if closing else False}
        moves_before = self.move_id
        owners_before = {dispute: dispute.user_id for dispute in self}
        res = super().write(vals)
        if "user_id" in vals or "department_id" in vals or "reason_id" in vals:
            self.filtered(lambda d: d.is_open and d.user_id != owners_before[d])._route_to_owner()
        if {"stage", "move_id"} & set(vals):
            self._sync_invoice_dispute_flag(moves_before | self.move_id)
        return res

    def _is_finance(self):
        return self.env.su or self.env.user.has_group("credit_control.group_credit_controller")

    @api.model
    def _check_invoices_readable(self, move_ids):
        """A dispute opens only on an invoice its author may read: through the dispute, the
        invoice would become readable and its dunning paused."""
        if self.env.su:
            return
        moves = self.env["account.move"].browse([move_id for move_id in move_ids if move_id])
        try:
            moves.check_access("read")
        except AccessError as error:
            raise AccessError(
                _("You can only open disputes on invoices you may read; ask finance for the others.")
            ) from error

    def _check_routing_change(self, vals):
        """The invoice, department and owner of a dispute change only by finance."""
        if self._is_finance():
            return
        changed = [
            name
            for name in ("move_id", "department_id", "user_id")
            if name in vals and any(dispute[name].id != (vals[name] or False) for dispute in self)
        ]
        if "reason_id" in vals and "department_id" not in vals:
            department = self.env["dispute.reason"].browse(vals["reason_id"]).sudo().department_id
            if department and any(dispute.department_id != department for dispute in self):
                changed.append("department_id")
        if changed:
            raise AccessError(
                _(
                    "Only finance can change the invoice, the department or the owner of a dispute "
                    "(%(fields)s): ask the credit controller.",
                    fields=", ".join(self._fields[name].get_description(self.env)["string"] for name in changed),
                )
            )

    def unlink(self):
        moves = self.move_id
        res = super().unlink()
        self._sync_invoice_dispute_flag(moves)
        return res

    # ---------------------------------------------------------------- routing and dunning pause

    def _route_to_owner(self):
        """The owner gets a to-do and a notification; the owner and the salesperson follow."""
        activity_type = self.env.ref("dispute_tracking.mail_activity_dispute")
        for dispute in self:
            dispute.activity_unlink(["dispute_tracking.mail_activity_dispute"])
            followers = dispute.user_id.partner_id | dispute.salesperson_id.partner_id
            if followers:
                dispute.message_subscribe(partner_ids=followers.ids)
            if not dispute.user_id:
                continue
            dispute.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=dispute.date_deadline,
                user_id=dispute.user_id.id,
                summary=_("Solve dispute %(name)s (%(reason)s)", name=dispute.name, reason=dispute.reason_id.name),
            )
            dispute.message_post(
                body=_(
                    "Dispute on %(move)s routed to %(department)s; owner: %(owner)s, deadline %(deadline)s.",
                    move=dispute.move_id.name,
                    department=dispute.department_id.name or _("no department"),
                    owner=dispute.user_id.name,
                    deadline=dispute.date_deadline,
                ),
                partner_ids=dispute.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _sync_invoice_dispute_flag(self, moves):
        """Flag the invoices with an open dispute, unflag the others: dunning skips flagged ones."""
        if not moves:
            return
        groups = self.sudo()._read_group([("move_id", "in", moves.ids), ("is_open", "=", True)], ["move_id"])
        disputed = self.env["account.move"].browse([move.id for (move,) in groups])
        moves = moves.sudo().exists()
        to_flag = (disputed.sudo() & moves).filtered(lambda m: not m.in_dispute)
        to_unflag = (moves - disputed.sudo()).filtered("in_dispute")
        if to_flag:
            to_flag.write({"in_dispute": True})
        if to_unflag:
            to_unflag.write({"in_dispute": False})

    @api.model
    def _cron_escalate_overdue_disputes(self):
        """Open disputes past their deadline go to the department manager and finance, once."""
        today = fields.Date.context_today(self)
        overdue = self.search([("is_open", "=", True), ("date_deadline", "<", today), ("date_escalated", "=", False)])
        overdue._escalate()
        return overdue

    def _escalate(self):
        activity_type = self.env.ref("dispute_tracking.mail_activity_dispute_escalation")
        for dispute in self:
            finance = dispute.company_id.credit_controller_id
            manager = dispute.department_id.manager_id
            recipients = (manager | finance).partner_id
            if recipients:
                dispute.message_subscribe(partner_ids=recipients.ids)
            for user in manager | finance:
                dispute.activity_schedule(
                    activity_type_id=activity_type.id,
                    user_id=user.id,
                    summary=_("Dispute %(name)s is past its deadline", name=dispute.name),
                )
            dispute.message_post(
                body=_(
                    "Past its deadline (%(deadline)s): escalated to the department manager and finance.",
                    deadline=dispute.date_deadline,
                ),
                partner_ids=recipients.ids,
                subtype_xmlid="mail.mt_note",
            )
        self.write({"date_escalated": fields.Datetime.now()})

    # ---------------------------------------------------------------- actions

    def action_start(self):
        self._check_open()
        self.write({"stage": "in_progress"})

    def action_wait_customer(self):
        self._check_open()
        self.write({"stage": "waiting"})

    def action_resolve(self):
        self._check_open()
        missing = self.filtered(lambda d: not d.resolution)
        if missing:
            raise UserError(
                _(
                    "Choose a resolution before closing these disputes: %(names)s.",
                    names=", ".join(missing.mapped("name")),
                )
            )
        self.write({"stage": "resolved"})

    def action_reject(self):
        self._check_open()
        for dispute in self:
            dispute.write({"stage": "rejected", "resolution": dispute.resolution or "rejected"})

    def action_reopen(self):
        """Reopened, a dispute gets a new deadline from today and escalates again if missed."""
        closed = self.filtered(lambda d: not d.is_open)
        today = fields.Date.context_today(self)
        for dispute in closed:
            dispute.write(
                {
                    "stage": "in_progress",
                    "resolution": False,
                    "date_escalated": False,
                    "date_deadline": today + timedelta(days=dispute.reason_id.deadline_days),
                }
            )
        closed._route_to_owner()

    def action_resolve_credit_note(self):
        """One click: the credit note of the disputed amount, posted, reconciled with the
        invoice and linked; the dispute is resolved."""
        self._check_open()
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(_("Only finance (billing users) can issue a credit note."))
        for dispute in self:
            if (
                float_compare(
                    dispute.amount, dispute.move_id.amount_residual, precision_rounding=dispute.currency_id.rounding
                )
                > 0
            ):
                raise UserError(
                    _(
                        "The disputed amount of %(name)s is above what is still due on the invoice: "
                        "lower it before issuing the credit note.",
                        name=dispute.name,
                    )
                )
            refund = dispute._create_refund()
            dispute.write({"stage": "resolved", "resolution": "credit_note", "refund_id": refund.id})
            dispute.message_post(
                body=_("Credit note %(refund)s issued for the disputed amount.", refund=refund._get_html_link())
            )
        if len(self) == 1:
            return self.action_view_refund()
        return True

    def _refund_line_values(self):
        """Refund lines that mirror the disputed lines (all product lines when none are chosen),
        scaled so that the credit note, taxes included, equals the disputed amount."""
        self.ensure_one()
        products = self.move_id.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        scope = self.move_line_ids or products
        total = sum(scope.mapped("price_total"))
        if not total:
            raise UserError(_("The disputed lines of %(name)s have no amount to credit.", name=self.name))
        ratio = self.amount / total
        values = []
        for line in scope:
            taxes_included = any(line.tax_ids.mapped("price_include"))
            base = line.price_total if taxes_included else line.price_subtotal
            values.append(
                Command.create(
                    {
                        "product_id": line.product_id.id,
                        "name": _("%(dispute)s: %(line)s", dispute=self.name, line=line.name or ""),
                        "account_id": line.account_id.id,
                        "quantity": 1.0,
                        "price_unit": self.currency_id.round(base * ratio),
                        "tax_ids": [Command.set(line.tax_ids.ids)],
                        "analytic_distribution": line.analytic_distribution,
                    }
                )
            )
        return values

    def _create_refund(self):
        """The invoice's reversal, as the standard credit note makes it (its salesperson, team
        and what other addons copy from it stay), with the disputed lines only."""
        self.ensure_one()
        invoice = self.move_id
        refund = invoice._reverse_moves(
            [
                {
                    "invoice_date": fields.Date.context_today(self),
                    "journal_id": invoice.journal_id.id,
                    "ref": _("Dispute %(name)s: %(reason)s", name=self.name, reason=self.reason_id.name),
                    "invoice_origin": invoice.name,
                    # Not copied by a reversal: the credit note would go to whoever clicks.
                    "invoice_user_id": invoice.invoice_user_id.id,
                    "team_id": invoice.team_id.id,
                    "line_ids": self._refund_line_values(),
                }
            ]
        )
        refund.action_post()
        receivables = (invoice.line_ids | refund.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        receivables.reconcile()
        return refund

    def action_view_refund(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.refund_id.id,
            "view_mode": "form",
            "name": _("Credit Note"),
        }

    def action_view_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
            "name": _("Invoice"),
        }

    def _check_open(self):
        closed = self.filtered(lambda d: not d.is_open)
        if closed:
            raise UserError(
                _(
                    "These disputes are already closed; reopen them first: %(names)s.",
                    names=", ".join(closed.mapped("name")),
                )
            )

    # ------------------------------------------------------------------
    # Customer portal
    # ------------------------------------------------------------------
    def _get_portal_url(self):
        self.ensure_one()
        return f"/my/disputes/{self.id}"

    def _get_portal_messages(self):
        """What the customer reads of the conversation: the public messages (the customer's
        own and the team's answers), oldest first; internal notes and tracking stay inside."""
        self.ensure_one()
        return (
            self.sudo()
            .message_ids.filtered(
                lambda m: m.message_type in ("comment", "email") and m.subtype_id and not m.subtype_id.internal
            )
            .sorted(lambda m: (m.date, m.id))
        )
