# pylint: disable=print-used
"""A mid-size company's database for the benchmark suite, in minutes.

Run by ``./dev bench-data DB [options]`` (click-odoo, ``env`` its global). The ORM makes one
sample of each kind of document (a customer, an open invoice, an invoice paid by a 2-line
payment, one half paid, invoices cleared by a bulk bank entry, a confirmed order), posted
and reconciled by Odoo itself; set-based SQL then multiplies the sample: every column of
every row copied, only keys, names, partners, salespeople and dates changed, the ids taken
from the tables' sequences beforehand so that the copies point at each other
(reconciliations, full reconciliations, matching numbers, payments, tax links). The kept
figures are then recomputed by the ORM (commission lines of the reconciliations, the
customers' open balances), and a random sample of invoices and journal items is recomputed
by the ORM and compared with what was written: the script fails if one figure differs.

Options (``--scale`` multiplies the four volumes)::

    --customers 10000 --invoices 200000 --orders 50000 --payments 100000
    --bulk-share 0.2 --bulk-size 500 --sellers 20 --check 100 --scale 1.0

Of the paid invoices, ``--bulk-share`` are cleared by bulk bank entries of ``--bulk-size``
invoices each (a lockbox file, a bank import), the others by 2-line payments, one in ten of
those half paid. Invoices are dated over the last year, due 30 days after.
"""

import argparse
import os
import sys
import time

from odoo import Command
from odoo.tools import SQL

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

PREFIX = "BENCH"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="./dev bench-data DB")
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=200_000)
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--bulk-share", type=float, default=0.2)
    parser.add_argument("--bulk-size", type=int, default=500)
    parser.add_argument("--sellers", type=int, default=20)
    parser.add_argument("--check", type=int, default=100, help="invoices recomputed by the ORM and compared")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    for name in ("customers", "invoices", "orders", "payments"):
        setattr(args, name, max(1, int(getattr(args, name) * args.scale)))
    args.payments = min(args.payments, args.invoices)
    return args


class Generator:
    def __init__(self, env, args):
        self.env = env(context={"tracking_disable": True, "mail_notrack": True, "mail_create_nolog": True})
        self.cr = self.env.cr
        self.args = args
        self.setup = common.accounting(self.env)
        self.today = self.setup["today"]
        self.timings = {}

    def step(self, label, function):
        start = time.perf_counter()
        result = function()
        self.timings[label] = round(time.perf_counter() - start, 1)
        print(f"{label}: {self.timings[label]} s", flush=True)
        return result

    def execute(self, query):
        self.cr.execute(query)
        return self.cr.rowcount

    # --- the ORM's sample ---------------------------------------------------------------

    def samples(self):
        env, today = self.env, self.today
        if env["res.partner"].search_count([("name", "=", "Bench sample customer")]):
            raise SystemExit(f"{env.cr.dbname} already has generated data: use a new database.")
        env["commission.plan"].create({"name": "Bench plan", "rate": 5.0})
        self.sellers = env["res.users"].create(
            [
                {"name": f"Bench seller {index}", "login": f"bench_seller_{index}", "email": f"s{index}@example.com"}
                for index in range(self.args.sellers)
            ]
        )
        product = env["product.product"].create({"name": "Bench service", "type": "service", "list_price": 100.0})
        customer = env["res.partner"].create(
            {"name": "Bench sample customer", "is_company": True, "email": "c@example.com", "credit_limit": 50_000.0}
        )

        def invoice():
            move = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_user_id": self.sellers[0].id,
                    "invoice_date": today,
                    "invoice_line_ids": [Command.create({"product_id": product.id, "price_unit": 100.0})],
                }
            )
            move.action_post()
            return move

        def pay(move, amount):
            payment = env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": customer.id,
                    "amount": amount,
                    "date": today,
                }
            )
            payment.action_post()
            (common.receivable_lines(move) | common.receivable_lines(payment.move_id)).reconcile()
            return payment

        open_invoice, paid_invoice, partial_invoice, bulk_invoice = invoice(), invoice(), invoice(), invoice()
        total = paid_invoice.amount_total
        paid_payment = pay(paid_invoice, total)
        partial_payment = pay(partial_invoice, round(total / 2, 2))
        bank = self.setup["bank_journal"]
        bulk = env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": bank.id,
                "date": today,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Bulk",
                            "account_id": common.receivable_lines(bulk_invoice).account_id.id,
                            "partner_id": customer.id,
                            "balance": -total,
                        }
                    ),
                    Command.create({"name": "Bulk", "account_id": bank.default_account_id.id, "balance": total}),
                ],
            }
        )
        bulk.action_post()
        (common.receivable_lines(bulk_invoice) | common.receivable_lines(bulk)).reconcile()
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": self.sellers[0].id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 2})],
            }
        )
        order.action_confirm()
        env.flush_all()
        self.sample = {
            "customer": customer,
            "open": open_invoice,
            "paid": paid_invoice,
            "partial": partial_invoice,
            "bulk_invoice": bulk_invoice,
            "paid_payment": paid_payment,
            "partial_payment": partial_payment,
            "bulk": bulk,
            "order": order,
        }
        for state, move in (("not_paid", open_invoice), ("partial", partial_invoice)):
            if move.payment_state != state:
                raise SystemExit(f"sample invoice {move.name}: payment state {move.payment_state}, not {state}")

    # --- multiplied by SQL --------------------------------------------------------------

    def customers(self):
        self.execute(
            SQL(
                "CREATE TEMP TABLE bench_customer AS SELECT g, nextval('res_partner_id_seq') AS id"
                " FROM generate_series(1, %s) g",
                self.args.customers,
            )
        )
        common.copy_select(
            self.env,
            "res_partner",
            {
                "id": SQL("c.id"),
                "name": SQL("%s || ' customer ' || c.g", PREFIX),
                "complete_name": SQL("%s || ' customer ' || c.g", PREFIX),
                "commercial_partner_id": SQL("c.id"),
                "email": SQL("'customer' || c.g || '@example.com'"),
                "create_date": SQL("NOW()"),
                "write_date": SQL("NOW()"),
            },
            SQL("res_partner t JOIN bench_customer c ON TRUE WHERE t.id = %s", self.sample["customer"].id),
        )

    def documents(self):
        """One row per invoice: its kind, customer, salesperson, dates and every id it needs."""
        args, sample = self.args, self.sample
        bulk = int(args.payments * args.bulk_share)
        self.execute(
            SQL(
                """
                CREATE TEMP TABLE bench_doc AS
                SELECT g,
                       CASE WHEN g > %(payments)s THEN 'open' WHEN g <= %(bulk)s THEN 'bulk'
                            WHEN mod(g, 10) = 0 THEN 'partial' ELSE 'paid' END AS kind,
                       (SELECT id FROM bench_customer
                         WHERE bench_customer.g = 1 + mod(d.g::bigint * 7919, %(customers)s))
                           AS partner_id,
                       (%(sellers)s::int[])[1 + mod(d.g, %(n_sellers)s)] AS user_id,
                       %(today)s::date - mod(d.g * 31, 365) AS date,
                       1 + (d.g - 1) / %(bulk_size)s AS bulk_group,
                       nextval('account_move_id_seq') AS move_id,
                       nextval('account_move_id_seq') AS pay_move_id,
                       nextval('account_payment_id_seq') AS payment_id,
                       nextval('account_partial_reconcile_id_seq') AS partial_id,
                       nextval('account_full_reconcile_id_seq') AS full_id
                  FROM generate_series(1, %(invoices)s) d(g)
                """,
                payments=args.payments,
                bulk=bulk,
                customers=args.customers,
                sellers=self.sellers.ids,
                n_sellers=len(self.sellers),
                today=self.today,
                bulk_size=args.bulk_size,
                invoices=args.invoices,
            )
        )
        self.execute(
            SQL(
                """
                ALTER TABLE bench_doc ADD COLUMN tpl_move int, ADD COLUMN tpl_pay_move int, ADD COLUMN tpl_payment int;
                UPDATE bench_doc SET
                    tpl_move = CASE kind WHEN 'open' THEN %(open)s WHEN 'paid' THEN %(paid)s
                                         WHEN 'partial' THEN %(partial)s ELSE %(bulk_invoice)s END,
                    tpl_pay_move = CASE kind WHEN 'paid' THEN %(paid_move)s
                                             WHEN 'partial' THEN %(partial_move)s END,
                    tpl_payment = CASE kind WHEN 'paid' THEN %(paid_payment)s
                                            WHEN 'partial' THEN %(partial_payment)s END;
                CREATE TEMP TABLE bench_bulk AS
                SELECT bulk_group, COUNT(*) AS size, MAX(date) AS date, nextval('account_move_id_seq') AS move_id
                  FROM bench_doc WHERE kind = 'bulk' GROUP BY bulk_group;
                """,
                open=sample["open"].id,
                paid=sample["paid"].id,
                partial=sample["partial"].id,
                bulk_invoice=sample["bulk_invoice"].id,
                paid_move=sample["paid_payment"].move_id.id,
                partial_move=sample["partial_payment"].move_id.id,
                paid_payment=sample["paid_payment"].id,
                partial_payment=sample["partial_payment"].id,
            )
        )
        # Each copied journal item gets its id now: (document, template item) -> id.
        self.execute(
            SQL(
                """
                CREATE TEMP TABLE bench_line AS
                SELECT d.g, t.id AS tpl_id, nextval('account_move_line_id_seq') AS id, d.move_id AS new_move
                  FROM bench_doc d JOIN account_move_line t ON t.move_id = d.tpl_move
                UNION ALL
                SELECT d.g, t.id, nextval('account_move_line_id_seq'), d.pay_move_id
                  FROM bench_doc d JOIN account_move_line t ON t.move_id = d.tpl_pay_move;
                CREATE INDEX ON bench_line (tpl_id, g);
                ANALYZE bench_doc; ANALYZE bench_line; ANALYZE bench_bulk;
                """
            )
        )

    def invoices(self):
        name = self.sequence_name("d.g", "d.date")
        now = SQL("NOW()")
        common.copy_select(
            self.env,
            "account_move",
            {
                "id": SQL("d.move_id"),
                "name": name,
                "sequence_prefix": self.sequence_prefix("d.date"),
                "sequence_number": SQL("d.g + 1000"),
                "payment_reference": name,
                "partner_id": SQL("d.partner_id"),
                "commercial_partner_id": SQL("d.partner_id"),
                "partner_shipping_id": SQL("d.partner_id"),
                "invoice_user_id": SQL("d.user_id"),
                "date": SQL("d.date"),
                "invoice_date": SQL("d.date"),
                "invoice_date_due": SQL("d.date + 30"),
                "access_token": SQL("NULL"),
                "create_date": now,
                "write_date": now,
            },
            SQL("account_move t JOIN bench_doc d ON d.tpl_move = t.id"),
        )
        self.copy_lines(SQL("d.move_id"), SQL("d.date"), SQL("d.date + 30"), "tpl_move")
        # Payments: their record, their entry, its two items.
        paid_on = SQL("LEAST(d.date + 20 + mod(d.g, 30), %s::date)", self.today)
        pay_name = self.sequence_name("d.g", paid_on)
        common.copy_select(
            self.env,
            "account_move",
            {
                "id": SQL("d.pay_move_id"),
                "name": pay_name,
                "sequence_prefix": self.sequence_prefix(paid_on),
                "sequence_number": SQL("d.g + 1000"),
                "partner_id": SQL("d.partner_id"),
                "commercial_partner_id": SQL("d.partner_id"),
                "origin_payment_id": SQL("NULL"),  # set once the payment exists (foreign keys both ways)
                "date": paid_on,
                "access_token": SQL("NULL"),
                "create_date": now,
                "write_date": now,
            },
            SQL("account_move t JOIN bench_doc d ON d.tpl_pay_move = t.id"),
        )
        common.copy_select(
            self.env,
            "account_payment",
            {
                "id": SQL("d.payment_id"),
                "move_id": SQL("d.pay_move_id"),
                "partner_id": SQL("d.partner_id"),
                "date": paid_on,
                "name": SQL("(SELECT m.name FROM account_move m WHERE m.id = d.pay_move_id)"),
                "create_date": now,
                "write_date": now,
            },
            SQL("account_payment t JOIN bench_doc d ON d.tpl_payment = t.id"),
        )
        self.execute(
            SQL(
                "UPDATE account_move m SET origin_payment_id = d.payment_id FROM bench_doc d"
                " WHERE m.id = d.pay_move_id AND d.tpl_payment IS NOT NULL"
            )
        )
        self.copy_lines(SQL("d.pay_move_id"), paid_on, paid_on, "tpl_pay_move", payment=True)
        # Many2many links of the copied items and payments.
        self.execute(
            SQL(
                """
                INSERT INTO account_move_line_account_tax_rel (account_move_line_id, account_tax_id)
                SELECT l.id, r.account_tax_id FROM account_move_line_account_tax_rel r
                  JOIN bench_line l ON l.tpl_id = r.account_move_line_id;
                INSERT INTO account_account_tag_account_move_line_rel (account_move_line_id, account_account_tag_id)
                SELECT l.id, r.account_account_tag_id FROM account_account_tag_account_move_line_rel r
                  JOIN bench_line l ON l.tpl_id = r.account_move_line_id;
                """
            )
        )

    @staticmethod
    def sequence_prefix(date):
        """The template's prefix (``INV/2026/``) for the year of ``date`` (SQL)."""
        date = SQL(date) if isinstance(date, str) else date
        return SQL("replace(t.sequence_prefix, to_char(t.date, 'YYYY'), to_char(%s, 'YYYY'))", date)

    def sequence_name(self, number, date):
        """Names in Odoo's format, numbered after the sample's documents."""
        return SQL("%s || lpad((%s + 1000)::text, 7, '0')", self.sequence_prefix(date), SQL(number))

    def copy_lines(self, move, date, maturity, template_column, *, payment=False):
        common.copy_select(
            self.env,
            "account_move_line",
            {
                "id": SQL("l.id"),
                "move_id": move,
                "move_name": SQL("(SELECT m.name FROM account_move m WHERE m.id = %s)", move),
                "partner_id": SQL("d.partner_id"),
                "date": date,
                "invoice_date": SQL("CASE WHEN t.invoice_date IS NULL THEN NULL ELSE %s END", date),
                "date_maturity": SQL("CASE WHEN t.date_maturity IS NULL THEN NULL ELSE %s END", maturity),
                "payment_id": SQL("d.payment_id") if payment else SQL("t.payment_id"),
                "full_reconcile_id": SQL("NULL"),
                "matching_number": SQL("NULL"),
                "create_date": SQL("NOW()"),
                "write_date": SQL("NOW()"),
            },
            SQL(
                "account_move_line t JOIN bench_doc d ON d.%s = t.move_id JOIN bench_line l"
                " ON l.tpl_id = t.id AND l.g = d.g",
                SQL.identifier(template_column),
            ),
        )

    def bulk_entries(self):
        """One bank entry per group of bulk invoices: a receivable item per invoice, one
        bank item for their sum (the sample's, its amounts multiplied)."""
        bulk = self.sample["bulk"]
        receivable = common.receivable_lines(bulk)
        bank_line = bulk.line_ids - receivable
        amounts = [
            name
            for name in common.table_columns(self.env, "account_move")
            if name.startswith("amount_")
            and self.env["account.move"]._fields.get(name) is not None
            and self.env["account.move"]._fields[name].type == "monetary"
        ]
        common.copy_select(
            self.env,
            "account_move",
            {
                "id": SQL("b.move_id"),
                "name": self.sequence_name("b.bulk_group", "b.date"),
                "sequence_prefix": self.sequence_prefix("b.date"),
                "sequence_number": SQL("b.bulk_group + 1000"),
                "date": SQL("b.date"),
                "access_token": SQL("NULL"),
                "create_date": SQL("NOW()"),
                "write_date": SQL("NOW()"),
                **{name: SQL("t.%s * b.size", SQL.identifier(name)) for name in amounts},
            },
            SQL("account_move t JOIN bench_bulk b ON TRUE WHERE t.id = %s", bulk.id),
        )
        line_overrides = {
            "move_id": SQL("b.move_id"),
            "move_name": SQL("m.name"),
            "date": SQL("b.date"),
            "date_maturity": SQL("CASE WHEN t.date_maturity IS NULL THEN NULL ELSE b.date END"),
            "full_reconcile_id": SQL("NULL"),
            "matching_number": SQL("NULL"),
            "create_date": SQL("NOW()"),
            "write_date": SQL("NOW()"),
        }
        # The receivable items, named after their invoice's row to be found again.
        common.copy_select(
            self.env,
            "account_move_line",
            {**line_overrides, "partner_id": SQL("d.partner_id"), "name": SQL("'Bulk ' || d.g")},
            SQL(
                "account_move_line t JOIN bench_doc d ON d.kind = 'bulk' JOIN bench_bulk b"
                " ON b.bulk_group = d.bulk_group JOIN account_move m ON m.id = b.move_id WHERE t.id = %s",
                receivable.id,
            ),
        )
        scaled = ("balance", "debit", "credit", "amount_currency")
        common.copy_select(
            self.env,
            "account_move_line",
            {**line_overrides, **{name: SQL("t.%s * b.size", SQL.identifier(name)) for name in scaled}},
            SQL(
                "account_move_line t JOIN bench_bulk b ON TRUE JOIN account_move m ON m.id = b.move_id WHERE t.id = %s",
                bank_line.id,
            ),
        )

    def reconciliations(self):
        """The sample's reconciliation of each kind, copied onto each document: the partial,
        the full reconciliation when it is one, the items' matching numbers."""
        sample = self.sample
        for kind, invoice in (
            ("paid", sample["paid"]),
            ("partial", sample["partial"]),
            ("bulk", sample["bulk_invoice"]),
        ):
            partial = common.receivable_lines(invoice).matched_credit_ids
            partial.ensure_one()
            full = partial.full_reconcile_id
            if full:
                common.copy_select(
                    self.env,
                    "account_full_reconcile",
                    {"id": SQL("d.full_id")},
                    SQL("account_full_reconcile t JOIN bench_doc d ON d.kind = %s WHERE t.id = %s", kind, full.id),
                )
            credit = (
                SQL("(SELECT l.id FROM bench_line l WHERE l.g = d.g AND l.tpl_id = %s)", partial.credit_move_id.id)
                if kind != "bulk"
                else SQL(
                    "(SELECT l.id FROM account_move_line l JOIN bench_bulk b ON b.move_id = l.move_id"
                    " WHERE b.bulk_group = d.bulk_group AND l.name = 'Bulk ' || d.g)"
                )
            )
            common.copy_select(
                self.env,
                "account_partial_reconcile",
                {
                    "id": SQL("d.partial_id"),
                    "debit_move_id": SQL(
                        "(SELECT l.id FROM bench_line l WHERE l.g = d.g AND l.tpl_id = %s)", partial.debit_move_id.id
                    ),
                    "credit_move_id": credit,
                    "full_reconcile_id": SQL("d.full_id") if full else SQL("NULL"),
                    "create_date": SQL("NOW()"),
                    "write_date": SQL("NOW()"),
                },
                SQL("account_partial_reconcile t JOIN bench_doc d ON d.kind = %s WHERE t.id = %s", kind, partial.id),
            )
            self.execute(
                SQL(
                    """
                    UPDATE account_move_line line
                       SET full_reconcile_id = %(full)s,
                           matching_number = CASE WHEN %(is_full)s THEN d.full_id::text ELSE 'P' || d.partial_id END
                      FROM bench_doc d JOIN account_partial_reconcile p ON p.id = d.partial_id
                     WHERE d.kind = %(kind)s AND line.id IN (p.debit_move_id, p.credit_move_id)
                    """,
                    full=SQL("d.full_id") if full else SQL("NULL"),
                    is_full=bool(full),
                    kind=kind,
                )
            )
        self.execute(
            SQL(
                """
                UPDATE account_partial_reconcile p SET max_date = GREATEST(debit.date, credit.date)
                  FROM bench_doc d, account_move_line debit, account_move_line credit
                 WHERE p.id = d.partial_id AND debit.id = p.debit_move_id AND credit.id = p.credit_move_id
                """
            )
        )
        self.execute(SQL("ANALYZE account_move_line; ANALYZE account_partial_reconcile; ANALYZE account_move"))

    def orders(self):
        order = self.sample["order"]
        self.execute(
            SQL(
                "CREATE TEMP TABLE bench_order AS SELECT g, nextval('sale_order_id_seq') AS id,"
                " (SELECT id FROM bench_customer c WHERE c.g = 1 + mod(o.g::bigint * 104729, %s)) AS partner_id,"
                " (%s::int[])[1 + mod(o.g, %s)] AS user_id FROM generate_series(1, %s) o(g)",
                self.args.customers,
                self.sellers.ids,
                len(self.sellers),
                self.args.orders,
            )
        )
        partner = SQL("o.partner_id")
        common.copy_select(
            self.env,
            "sale_order",
            {
                "id": SQL("o.id"),
                "name": SQL("%s || '/SO/' || lpad(o.g::text, 7, '0')", PREFIX),
                "partner_id": partner,
                "partner_invoice_id": partner,
                "partner_shipping_id": partner,
                "user_id": SQL("o.user_id"),
                "access_token": SQL("NULL"),
                "create_date": SQL("NOW()"),
                "write_date": SQL("NOW()"),
            },
            SQL("sale_order t JOIN bench_order o ON TRUE WHERE t.id = %s", order.id),
        )
        common.copy_select(
            self.env,
            "sale_order_line",
            {
                "order_id": SQL("o.id"),
                "order_partner_id": partner,
                "salesman_id": SQL("o.user_id"),
                "create_date": SQL("NOW()"),
                "write_date": SQL("NOW()"),
            },
            SQL("sale_order_line t JOIN bench_order o ON TRUE WHERE t.order_id = %s", order.id),
        )

    # --- kept figures, by the ORM --------------------------------------------------------

    def kept_figures(self):
        env = self.env
        env.invalidate_all()
        self.cr.execute(SQL("SELECT partial_id FROM bench_doc WHERE kind != 'open' ORDER BY partial_id"))
        partial_ids = [row[0] for row in self.cr.fetchall()]
        made = 0
        for start in range(0, len(partial_ids), 20_000):
            made += len(
                env["account.partial.reconcile"]
                .browse(partial_ids[start : start + 20_000])
                ._commission_create_lines(new=True)
            )
            env.invalidate_all()
        self.cr.execute(SQL("SELECT id FROM bench_customer ORDER BY id"))
        customer_ids = [row[0] for row in self.cr.fetchall()] + self.sample["customer"].ids
        for start in range(0, len(customer_ids), 2_000):
            partners = env["res.partner"].browse(customer_ids[start : start + 2_000])
            partners._compute_credit_open_balances()
            env.flush_all()
            env.invalidate_all()
        return made

    def check(self):
        """The ORM's own figures on a sample, against what was written: fails loudly."""
        env, cr = self.env, self.cr
        cr.execute(SQL("SELECT move_id FROM bench_doc ORDER BY random() LIMIT %s", self.args.check))
        moves = env["account.move"].browse([row[0] for row in cr.fetchall()])
        env.invalidate_all()
        stored = {move.id: (move.amount_residual, move.payment_state, move.amount_total) for move in moves}
        items = moves.line_ids
        stored_items = {line.id: (line.amount_residual, line.reconciled) for line in items}
        partners = moves.commercial_partner_id
        stored_balances = {partner.id: partner.credit_open_balances for partner in partners}
        env.invalidate_all()
        items._compute_amount_residual()
        moves._compute_amount()
        moves._compute_payment_state()
        partners._compute_credit_open_balances()

        def figures(move):
            return (move.amount_residual, move.payment_state, move.amount_total)

        differences = [
            f"{move.name}: stored {stored[move.id]}, ORM {figures(move)}"
            for move in moves
            if stored[move.id] != figures(move)
        ]
        differences += [
            f"item {line.id} of {line.move_id.name}: stored {stored_items[line.id]}, ORM "
            f"{(line.amount_residual, line.reconciled)}"
            for line in items
            if stored_items[line.id] != (line.amount_residual, line.reconciled)
        ]
        differences += [
            f"customer {partner.name}: stored {stored_balances[partner.id]}, ORM {partner.credit_open_balances}"
            for partner in partners
            if stored_balances[partner.id] != partner.credit_open_balances
        ]
        env.invalidate_all()
        if differences:
            print("\n".join(differences[:20]))
            raise SystemExit(f"{len(differences)} figures differ from the ORM's: the generated data is inconsistent")
        kinds = {}
        for move in moves:
            kinds[stored[move.id][1]] = kinds.get(stored[move.id][1], 0) + 1
        return {"invoices": len(moves), "items": len(items), "customers": len(partners), "payment_states": kinds}

    def run(self):
        args = self.args
        start = time.perf_counter()
        self.step("ORM samples", self.samples)
        self.step("customers", self.customers)
        self.step("documents", self.documents)
        self.step("invoices and payments", self.invoices)
        self.step("bulk entries", self.bulk_entries)
        self.step("reconciliations", self.reconciliations)
        self.step("orders", self.orders)
        commission_lines = self.step("kept figures (ORM)", self.kept_figures)
        common.analyze(
            self.cr,
            (
                "res_partner",
                "account_move",
                "account_move_line",
                "account_partial_reconcile",
                "sale_order",
                "sale_order_line",
                "commission_line",
                "account_payment",
            ),
        )
        checked = self.step("check against the ORM", self.check)
        self.cr.execute(SQL("SELECT kind, COUNT(*) FROM bench_doc GROUP BY kind ORDER BY kind"))
        kinds = dict(self.cr.fetchall())
        print(
            f"{self.cr.dbname}: {args.customers} customers, {args.invoices} invoices ({kinds}), "
            f"{args.orders} orders, commission lines {commission_lines}, in {time.perf_counter() - start:.0f} s; "
            f"checked against the ORM: {checked}"
        )


Generator(env, parse_args(sys.argv[1:])).run()  # noqa: F821  (click-odoo's global)
