from odoo import api, fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from ..models.sale_order_lead_time import ORDER_CHANNELS

# Aggregates the lead times offer on top of Odoo's: the median and the 90th percentile.
PERCENTILES = {"median": 0.5, "p90": 0.9}
# (step, label, start column, end column): each step is counted in whole days.
STEPS = [
    ("confirm", "Quotation to Confirmation", "date_sent", "date_confirmed"),
    ("delivery", "Confirmation to Delivery", "date_confirmed", "date_delivered"),
    ("invoice", "Confirmation to Invoice", "date_confirmed", "date_invoiced"),
    ("payment", "Invoice to Payment", "date_invoiced", "date_paid"),
    ("total", "Order to Cash", "date_start", "date_paid"),
]
PERCENTILE_LABELS = {"median": "Median", "p90": "90th Percentile"}


def _days_field(label, aggregator):
    """One step's days, grouped by its median or its 90th percentile."""
    return fields.Float(
        string=f"{label} ({PERCENTILE_LABELS[aggregator]}, Days)",
        readonly=True,
        aggregator=aggregator,
        digits=(16, 1),
    )


class CreditLeadTimeReport(models.Model):
    """Where orders wait between the quotation and the cash: one row per order with the days
    of each step, from the records' own dates (the quotation's sending, the confirmation,
    the last delivery, the first posted invoice, the reconciliation that paid the last
    invoice). Grouped, each step gives its median and 90th percentile."""

    _name = "credit.lead.time.report"
    _description = "Order-to-Cash Lead Times"
    _auto = False
    _order = "date_confirmed desc, id desc"
    _rec_name = "order_id"
    _depends = {
        "sale.order": [
            "company_id",
            "team_id",
            "user_id",
            "partner_id",
            "state",
            "date_order",
            "quotation_sent_date",
            "order_channel",
        ],
        "sale.order.line": ["order_id", "invoice_lines"],
        "account.move": ["state", "move_type", "invoice_date", "amount_residual"],
        "account.move.line": ["move_id", "date", "account_id"],
        "account.partial.reconcile": ["debit_move_id", "credit_move_id"],
    }

    order_id = fields.Many2one("sale.order", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    channel = fields.Selection(ORDER_CHANNELS, readonly=True)
    state = fields.Selection(
        [("draft", "Quotation"), ("sent", "Quotation Sent"), ("sale", "Sales Order")], readonly=True
    )
    date_sent = fields.Date(string="Quotation Sent", readonly=True)
    date_confirmed = fields.Date(string="Confirmed", readonly=True)
    date_delivered = fields.Date(string="Delivered", readonly=True)
    date_invoiced = fields.Date(string="Invoiced", readonly=True)
    date_paid = fields.Date(string="Paid", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True, aggregator="sum")
    confirm_days_median = _days_field("Quotation to Confirmation", "median")
    confirm_days_p90 = _days_field("Quotation to Confirmation", "p90")
    delivery_days_median = _days_field("Confirmation to Delivery", "median")
    delivery_days_p90 = _days_field("Confirmation to Delivery", "p90")
    invoice_days_median = _days_field("Confirmation to Invoice", "median")
    invoice_days_p90 = _days_field("Confirmation to Invoice", "p90")
    payment_days_median = _days_field("Invoice to Payment", "median")
    payment_days_p90 = _days_field("Invoice to Payment", "p90")
    total_days_median = _days_field("Order to Cash", "median")
    total_days_p90 = _days_field("Order to Cash", "p90")

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        if aggregate_spec != "__count":
            fname, _property, func = parse_read_group_spec(aggregate_spec)
            if func in PERCENTILES and fname in self._fields:
                return SQL(
                    "percentile_cont(%s) WITHIN GROUP (ORDER BY %s)",
                    PERCENTILES[func],
                    self._field_to_sql(self._table, fname, query),
                )
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _delivered_date_sql(self):
        """The day the order's last delivery was done; without Inventory, none (its bridge
        addon fills it)."""
        return SQL("NULL::date")

    @api.model
    def _channel_sql(self):
        """The channel recorded at creation; for orders made before it was, from the website
        or the user who made them."""
        website = (
            SQL("WHEN o.website_id IS NOT NULL THEN 'website'") if "website_id" in self.env["sale.order"] else SQL()
        )
        return SQL("COALESCE(o.order_channel, CASE %s WHEN creator.share THEN 'portal' ELSE 'backoffice' END)", website)

    @property
    def _table_query(self):
        days = SQL(", ").join(
            SQL("(t.%s - t.%s)::float AS %s", SQL.identifier(end), SQL.identifier(start), SQL.identifier(name))
            for step, _label, start, end in STEPS
            for name in (f"{step}_days_median", f"{step}_days_p90")
        )
        return SQL(
            """
            SELECT t.*, %(days)s
              FROM (
                SELECT t0.*, COALESCE(t0.date_sent, t0.date_confirmed) AS date_start
                  FROM (
                    SELECT o.id AS id, o.id AS order_id, o.company_id, o.team_id, o.user_id,
                           p.commercial_partner_id AS partner_id, %(channel)s AS channel, o.state,
                           COALESCE(o.quotation_sent_date, sent.date)::date AS date_sent,
                           CASE WHEN o.state = 'sale' THEN o.date_order::date END AS date_confirmed,
                           %(delivered)s AS date_delivered,
                           inv.date_invoiced,
                           CASE WHEN inv.open_count = 0 THEN inv.date_paid END AS date_paid,
                           1 AS order_count
                      FROM sale_order o
                      JOIN res_partner p ON p.id = o.partner_id
                      LEFT JOIN res_users creator ON creator.id = o.create_uid
                      LEFT JOIN LATERAL (
                           SELECT MIN(m.date) AS date FROM mail_message m
                            WHERE m.model = 'sale.order' AND m.res_id = o.id AND m.subtype_id = %(sent_subtype)s
                      ) sent ON TRUE
                      LEFT JOIN LATERAL (
                           SELECT MIN(m.invoice_date) AS date_invoiced,
                                  COUNT(*) FILTER (WHERE m.amount_residual <> 0) AS open_count,
                                  MAX(pay.date) AS date_paid
                             FROM account_move m
                             LEFT JOIN LATERAL (
                                  SELECT MAX(GREATEST(dl.date, cl.date)) AS date
                                    FROM account_move_line dl
                                    JOIN account_partial_reconcile r ON r.debit_move_id = dl.id
                                    JOIN account_move_line cl ON cl.id = r.credit_move_id
                                   WHERE dl.move_id = m.id
                             ) pay ON TRUE
                            WHERE m.state = 'posted' AND m.move_type = 'out_invoice'
                              AND m.id IN (
                                  SELECT aml.move_id FROM sale_order_line sol
                                    JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                                    JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                                   WHERE sol.order_id = o.id)
                      ) inv ON TRUE
                     WHERE o.state IN ('draft', 'sent', 'sale')
                  ) t0
              ) t
            """,
            days=days,
            channel=self._channel_sql(),
            delivered=self._delivered_date_sql(),
            sent_subtype=self.env.ref("sale.mt_order_sent").id,
        )
