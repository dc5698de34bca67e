"""Set-up and measurement shared by the benchmark scripts and the suite (``run.py``).

The scripts are run by click-odoo (``env`` is their global); they import this module with
``sys.path`` pointing at ``benchmarks/``. Nothing here runs at import.
"""

import ast
import os
import resource
import statistics
import time
import tracemalloc

from lxml import etree

from odoo import fields, sql_db
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval

# The suite's addons: their overrides are what "plain Odoo" runs without.
SUITE_MODULES = (
    "credit_control",
    "credit_control_stock",
    "credit_control_website_sale",
    "credit_control_queue_job",
    "credit_cockpit_commission",
    "dispute_tracking",
    "sales_commission_cash",
    "sales_commission_dispute",
)


# --- figures ------------------------------------------------------------------------------


def p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def rss_bytes():
    """Resident memory of this process now (Linux), else its peak."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(env, function, flush=True, invalidate=True, trace=False):
    """(result, {seconds, queries, rss_growth_mb[, python_peak_mb]}) of ``function()``,
    run as a fresh request would (caches invalidated), its writes flushed. ``trace``
    also records the peak of Python allocations (tracemalloc slows the run: the time
    is then that of the traced run)."""
    if flush:
        env.flush_all()
    if invalidate:
        env.invalidate_all()
    rss = rss_bytes()
    if trace:
        tracemalloc.start()
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    result = function()
    if flush:
        env.flush_all()
    figures = {
        "seconds": round(time.perf_counter() - start, 4),
        "queries": env.cr.sql_log_count - queries,
        "rss_growth_mb": round((rss_bytes() - rss) / 1e6, 1),
    }
    if trace:
        figures["python_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
        tracemalloc.stop()
    return result, figures


def summary(timings, queries=None):
    """Median and p95 in milliseconds of a list of seconds."""
    figures = {
        "runs": len(timings),
        "median_ms": round(statistics.median(timings) * 1000, 2),
        "p95_ms": round(p95(timings) * 1000, 2),
    }
    if queries:
        figures["queries"] = statistics.median(queries)
    return figures


# --- set-up -------------------------------------------------------------------------------


def ensure_chart(env):
    """A chart of accounts on the company (a database made without one has no journals)."""
    company = env.company
    if not env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1):
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)


def accounting(env):
    """{company, today, sale_journal, bank_journal, receivable, policy} of the benchmarks."""
    ensure_chart(env)
    company = env.company
    journals = env["account.journal"].search([("company_id", "=", company.id)])
    return {
        "company": company,
        "today": fields.Date.context_today(company),
        "sale_journal": journals.filtered(lambda journal: journal.type == "sale")[:1],
        "bank_journal": journals.filtered(lambda journal: journal.type == "bank")[:1],
        "receivable": env["account.account"].search(
            [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)], limit=1
        ),
        "policy": env["credit.dunning.policy"]._get_company_default(company),
    }


def extra_columns(columns):
    """(names, values) SQL of the optional ``columns`` {name: SQL expression} of an INSERT."""
    columns = columns or {}
    names = SQL("").join(SQL(", %s", SQL.identifier(name)) for name in columns)
    values = SQL("").join(SQL(", %s", value) for value in columns.values())
    return names, values


def insert_customers(cr, prefix, count, columns=None):
    """``count`` companies named ``prefix`` + number, by one INSERT; their ids. ``columns``:
    {column: SQL expression of ``g``, the row number} of other values (collector, salesperson)."""
    names, values = extra_columns(columns)
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills,
                                     create_date, write_date %(names)s)
            SELECT %(prefix)s || g, %(prefix)s || g, TRUE, TRUE, 'contact', 'ask', NOW(), NOW() %(values)s
              FROM generate_series(1, %(count)s) g
            RETURNING id
            """,
            prefix=prefix,
            count=count,
            names=names,
            values=values,
        )
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", partner_ids))
    return partner_ids


def insert_invoice_headers(cr, setup, prefix, count, partner_ids, *, date, due, payment_state, residual, columns=None):
    """``count`` posted customer invoices (headers only) named ``prefix`` + g, of amounts
    100 + g mod 900, spread over ``partner_ids``; ``date``, ``due``, ``payment_state`` and
    ``residual`` are SQL expressions of ``g`` (the row number) and ``amount``, as the values of
    the optional ``columns`` {column: SQL} (``in_dispute``)."""
    names, values = extra_columns(columns)
    cr.execute(
        SQL(
            """
            INSERT INTO account_move (name, move_type, state, journal_id, company_id, currency_id, date, invoice_date,
                                      invoice_date_due, partner_id, commercial_partner_id, payment_state,
                                      amount_total, amount_residual, amount_total_signed, amount_residual_signed,
                                      auto_post, create_date, write_date %(names)s)
            SELECT %(prefix)s || g, 'out_invoice', 'posted', %(journal)s, %(company)s, %(currency)s,
                   %(date)s, %(date)s, %(due)s, p.id, p.id, %(state)s,
                   amount, %(residual)s, amount, %(residual)s, 'no', NOW(), NOW() %(values)s
              FROM generate_series(1, %(count)s) g
              JOIN LATERAL (SELECT 100 + mod(g, 900) AS amount) a ON TRUE
              JOIN res_partner p ON p.id = (%(partners)s::int[])[1 + mod(g, %(customers)s)]
            """,
            prefix=prefix,
            journal=setup["sale_journal"].id,
            company=setup["company"].id,
            currency=setup["company"].currency_id.id,
            date=date,
            due=due,
            state=payment_state,
            residual=residual,
            count=count,
            partners=partner_ids,
            customers=len(partner_ids),
            names=names,
            values=values,
        )
    )


def insert_receivable_and_payments(cr, setup, like, pay_prefix, *, paid_on, residual_lines=True):
    """The receivable line of each invoice named LIKE ``like``; the paid ones get a payment
    line (on the first of these invoices, named ``pay_prefix`` + line id) dated ``paid_on``
    (SQL of ``line``) and their reconciliation."""
    params = {
        "like": like,
        "account": setup["receivable"].id,
        "bank": setup["bank_journal"].id,
        "company": setup["company"].id,
        "currency": setup["company"].currency_id.id,
        "pay": pay_prefix,
        "paid_on": paid_on,
        "residual": SQL("m.amount_residual") if residual_lines else SQL("0"),
    }
    cr.execute(
        SQL(
            """
            INSERT INTO account_move_line (move_id, journal_id, company_id, currency_id, company_currency_id,
                                           account_id, partner_id, display_type, date, date_maturity, parent_state,
                                           balance, debit, credit, amount_currency, amount_residual,
                                           amount_residual_currency, reconciled, create_date, write_date)
            SELECT m.id, m.journal_id, m.company_id, m.currency_id, m.currency_id, %(account)s, m.partner_id,
                   'payment_term', m.date, m.invoice_date_due, 'posted', m.amount_total, m.amount_total, 0,
                   m.amount_total, %(residual)s, %(residual)s, m.payment_state = 'paid', NOW(), NOW()
              FROM account_move m WHERE m.name LIKE %(like)s
            """,
            **params,
        )
    )
    # The lines just inserted, known to the planner (else it joins them as an empty table).
    analyze(cr, ("account_move_line",))
    cr.execute(
        SQL(
            """
            WITH paid AS (
                SELECT line.id, line.balance, line.partner_id, %(paid_on)s AS paid_on
                  FROM account_move_line line JOIN account_move m ON m.id = line.move_id
                 WHERE m.name LIKE %(like)s AND m.payment_state = 'paid'
            ), payment AS (
                INSERT INTO account_move_line (move_id, journal_id, company_id, currency_id, company_currency_id,
                                               account_id, partner_id, display_type, date, date_maturity,
                                               parent_state, balance, debit, credit, amount_currency,
                                               amount_residual, amount_residual_currency, reconciled, name,
                                               create_date, write_date)
                SELECT (SELECT MIN(id) FROM account_move WHERE name LIKE %(like)s), %(bank)s, %(company)s,
                       %(currency)s, %(currency)s, %(account)s, paid.partner_id, 'product', paid.paid_on,
                       paid.paid_on, 'posted', -paid.balance, 0, paid.balance, -paid.balance, 0, 0, TRUE,
                       %(pay)s || paid.id, NOW(), NOW()
                  FROM paid
                RETURNING id, name, balance, date
            )
            INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount, debit_amount_currency,
                                                   credit_amount_currency, max_date, company_id, debit_currency_id,
                                                   credit_currency_id, create_date, write_date)
            SELECT substring(payment.name FROM length(%(pay)s) + 1)::int, payment.id, -payment.balance,
                   -payment.balance, -payment.balance, payment.date, %(company)s, %(currency)s, %(currency)s,
                   NOW(), NOW()
              FROM payment
            """,
            **params,
        )
    )


def analyze(cr, tables):
    """Statistics as autovacuum keeps them on a live database, after bulk inserts."""
    for table in tables:
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))


def vacuum_analyze(dbname, tables):
    """The committed rows of ``tables`` as autovacuum leaves them after bulk inserts (since
    PostgreSQL 13 it vacuums tables that only grow): statistics, and the visibility map that
    lets an index-only scan answer without reading the table. A second pass marks visible what
    the first could not while another snapshot was open (autovacuum's own analyze of the rows
    just inserted): after one pass, one run in two still read 1,000 orders from the table."""
    names = SQL(", ").join(SQL.identifier(table) for table in tables)
    with sql_db.db_connect(dbname).cursor() as cr:
        cr._cnx.autocommit = True  # VACUUM runs outside a transaction
        cr.execute(SQL("VACUUM ANALYZE %s", names))
        cr.execute(SQL("VACUUM %s", names))


def copy_rows(env, table, template_ids, overrides, extra_from):
    """INSERT ... SELECT every column of ``table`` from its template rows, some replaced."""
    copy_select(
        env, table, overrides, SQL("%s t %s WHERE t.id IN %s", SQL.identifier(table), extra_from, tuple(template_ids))
    )


def table_columns(env, table):
    env.cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'"
            " ORDER BY ordinal_position",
            table,
        )
    )
    return [name for (name,) in env.cr.fetchall()]


def copy_select(env, table, overrides, source, columns=None):
    """INSERT INTO ``table`` SELECT every column from ``source`` (SQL: tables after FROM, the
    rows to copy aliased ``t``), the ``overrides`` {column: SQL} replaced (``id`` too)."""
    columns = columns or table_columns(env, table)
    if "id" in overrides:
        columns = ["id", *columns]
    values = [overrides.get(name, SQL("t.%s", SQL.identifier(name))) for name in columns]
    env.cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(name) for name in columns),
            SQL(", ").join(values),
            source,
        )
    )
    return env.cr.rowcount


def load_functions(path, env=None):
    """The functions and constants of a benchmark script, without running its body: the
    suite reuses the scripts' own measurements (click-odoo scripts run at import)."""
    with open(path) as script:
        tree = ast.parse(script.read(), path)
    keep = (ast.FunctionDef, ast.Import, ast.ImportFrom, ast.ClassDef)
    body = [
        node
        for node in tree.body
        if isinstance(node, keep)
        or (
            isinstance(node, ast.Assign)
            and all(isinstance(target, ast.Name) and target.id.isupper() for target in node.targets)
        )
    ]
    namespace = {"env": env, "__file__": path, "__name__": "bench_loaded"}
    exec(compile(ast.Module(body=body, type_ignores=[]), path, "exec"), namespace)
    return namespace


# --- commission at reconciliation ---------------------------------------------------------


def receivable_lines(moves):
    return moves.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")


def timed_reconcile(env, pairs, with_addon, one_call=False):
    """(seconds, queries) to reconcile ``pairs`` [(invoice item, counterpart item)], rolled
    back after; without the addon, the same reconciliation with its computation off."""
    partial_model = type(env["account.partial.reconcile"])
    original = partial_model._commission_create_lines
    if not with_addon:
        partial_model._commission_create_lines = lambda self, new=False: self.env["commission.line"]
    try:
        with env.cr.savepoint() as savepoint:
            env.invalidate_all()
            queries = env.cr.sql_log_count
            begin = time.perf_counter()
            if one_call:
                env["account.move.line"].union(*(a | b for a, b in pairs)).reconcile()
            else:
                for invoice_line, counterpart in pairs:
                    (invoice_line | counterpart).reconcile()
            env.flush_all()
            elapsed = time.perf_counter() - begin
            queries = env.cr.sql_log_count - queries
            savepoint.rollback()
    finally:
        partial_model._commission_create_lines = original
    env.invalidate_all()
    return elapsed, queries


def compare_reconcile(env, pairs, rounds, one_call=False):
    """Alternating rounds without and with the addon (the order swapped every round),
    after an untimed warm-up; the median of the per-round ratios."""
    withs, withouts, ratios, queries = [], [], [], {}
    timed_reconcile(env, pairs, True, one_call)
    for index in range(rounds):
        order = (False, True) if index % 2 == 0 else (True, False)
        times = {}
        for with_addon in order:
            times[with_addon], queries[with_addon] = timed_reconcile(env, pairs, with_addon, one_call)
        withs.append(times[True])
        withouts.append(times[False])
        ratios.append(times[True] / times[False])
    return {
        "with_addon_s": round(statistics.median(withs), 4),
        "without_s": round(statistics.median(withouts), 4),
        "ratio": round(statistics.median(ratios), 3),
        "rounds": rounds,
        "queries_with": queries[True],
        "queries_without": queries[False],
        "goal": 1.10,
        "ok": statistics.median(ratios) <= 1.10,
    }


# --- what the web client does on opening a menu -------------------------------------------


def _search_groups(arch):
    """The search view's filter groups, as the web client parses them: a ``separator``, a
    ``field`` or a ``group`` ends a group; the filters of a ``group`` are group-bys."""
    groups, current = [], []
    for node in arch:
        if node.tag == "filter":
            current.append(node)
            continue
        if current:
            groups.append(current)
            current = []
        if node.tag == "group":
            groups.extend([child] for child in node if child.tag == "filter")
    if current:
        groups.append(current)
    return groups


def action_opening(env, xmlid):
    """{domain, context, group_by, views}: what the web client searches when the menu of the
    window action ``xmlid`` is clicked, its default filters included (the filters of one
    group ORed, the groups ANDed, as the search model does)."""
    action = env.ref(xmlid).sudo()
    eval_context = {"uid": env.uid, "context_today": lambda: fields.Date.context_today(env.user)}
    eval_context["datetime"] = safe_datetime
    context = safe_eval(action.context or "{}", eval_context)
    domain = safe_eval(action.domain or "[]", eval_context)
    Model = env[action.res_model]
    search = Model.get_views([(action.search_view_id.id or False, "search")])["views"]["search"]
    group_by, domains = [], [domain]
    for group in _search_groups(etree.fromstring(search["arch"])):
        chosen = [node for node in group if context.get(f"search_default_{node.get('name')}")]
        filters = [safe_eval(node.get("domain"), eval_context) for node in chosen if node.get("domain")]
        if filters:
            domains.append(expression.OR(filters))
        for node in chosen:
            if node.get("context"):
                value = safe_eval(node.get("context"), eval_context).get("group_by")
                group_by += [value] if isinstance(value, str) else list(value or [])
    views = [mode.strip() for mode in action.view_mode.split(",")]
    return {"domain": expression.AND(domains), "context": context, "group_by": group_by, "views": views}


def view_spec(env, model, view_type="list"):
    """The web client's specification of the fields a view shows (its many2one names)."""
    Model = env[model]
    arch = etree.fromstring(Model.get_views([(False, view_type)])["views"][view_type]["arch"])
    spec = {}
    for node in arch.iter("field"):
        if node.getparent() is not arch:
            continue
        name = node.get("name")
        field = Model._fields[name]
        spec[name] = {"fields": {"display_name": {}}} if field.type == "many2one" else {}
    return spec


def view_measures(env, model, view_type):
    """(group-bys, measures) of a graph or pivot view: rows then columns, the measure fields."""
    arch = etree.fromstring(env[model].get_views([(False, view_type)])["views"][view_type]["arch"])
    rows = [node.get("name") for node in arch.iter("field") if node.get("type") in (None, "row")]
    cols = [node.get("name") for node in arch.iter("field") if node.get("type") == "col"]
    measures = [node.get("name") for node in arch.iter("field") if node.get("type") == "measure"]
    return rows, cols, measures


def open_list(env, model, opening, limit=80):
    """The list's first page and its count, as the web client reads it (``web_search_read``)."""
    Model = env[model].with_context(**opening["context"])
    return Model.web_search_read(opening["domain"], view_spec(env, model), limit=limit, count_limit=10001, order="")


def open_graph(env, model, opening):
    """The graph's read: its first group-by (the search's, else the view's), the count and its
    measure (the last of the view), one ``web_read_group``."""
    rows, __, measures = view_measures(env, model, "graph")
    group_by = opening["group_by"][:1] or rows[:1]
    aggregates = ["__count", f"{measures[-1]}:sum"] if measures else ["__count"]
    return (
        env[model]
        .with_context(**opening["context"])
        .web_read_group(opening["domain"], aggregates, group_by, lazy=False)
    )


def open_pivot(env, model, opening):
    """The pivot's reads: one ``read_group`` per combination of the first row group-by and the
    column group-by (the web client sends them in parallel, each its own request)."""
    rows, cols, measures = view_measures(env, model, "pivot")
    rows = opening["group_by"][:1] or rows[:1]
    aggregates = [f"{name}:sum" for name in measures] + ["__count"]
    Model = env[model].with_context(**opening["context"])
    results = []
    for group_by in ([], cols[:1], rows, rows + cols[:1]):
        results.append(Model.read_group(opening["domain"], aggregates, group_by, lazy=False))
    return results
