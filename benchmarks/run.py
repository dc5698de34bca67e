# pylint: disable=print-used
"""The benchmark suite: every figure of issue 17 side by side, in one run, as ONE JSON report.

Run by ``./dev bench-suite DB [--output FILE] [--rounds N] [--orders N] [--reminders N]`` on a
database made by ``./dev bench-data DB``. Each measurement is rolled back
(and the run itself is rolled back at the end): the database is left as it was found, and
the suite can run again on it. Each entry gives its time (median and p95 when repeated),
its SQL queries and the growth of the process's resident memory.

*Plain Odoo confirmation*: the suite's credit gate runs in ``sale.order.write`` (the state
change), so calling sale's own ``action_confirm`` would still run it. The plain figure is the
same kind of order, on the same database, confirmed by the same ``action_confirm`` with every
method the suite's addons override on ``sale.order`` and ``sale.order.line`` bypassed (each
replaced, for the time of the call, by a plain call to the next class of the MRO): what runs
is Odoo's own code. The suite's stored computed fields still recompute in both (the columns
exist): the plain figure carries that part of the suite's cost, so the ratio errs in the
suite's favour, if at all.
"""

import argparse
import contextlib
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

from odoo import Command, fields
from odoo.tools import SQL

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args():
    parser = argparse.ArgumentParser(prog="./dev bench-suite DB")
    parser.add_argument("--output", help="also write the JSON report to this file")
    parser.add_argument("--rounds", type=int, default=5, help="repetitions of each timed read or job")
    parser.add_argument("--orders", type=int, default=20, help="confirmations of each kind (suite, plain)")
    parser.add_argument(
        "--confirmation-sizes",
        type=lambda text: [int(size) for size in text.split(",")],
        default=[0, 20_000],
        help="open invoices of the customers whose orders are confirmed (comma-separated)",
    )
    parser.add_argument("--reminders", type=int, default=200, help="reminders sent in the send measurement")
    parser.add_argument("--reconciliations", type=int, default=100, help="2-line payments and bulk entry lines")
    parser.add_argument("--disputes", type=int, default=2000, help="disputes inserted for the statistics")
    parser.add_argument("--only", help="comma-separated sections to run (default: all), e.g. xlsx_exports")
    return parser.parse_args(sys.argv[1:])


# --- measurement helpers ------------------------------------------------------------------


def once(env, function, prepare=None):
    """(result, figures) of ``function(prepared)``, ``prepare()`` run first, untimed; the
    transaction is rolled back after: each run starts from the database as found, and
    no savepoints pile up in one long transaction."""
    try:
        prepared = prepare() if prepare else None
        result, figures = common.measure(env, lambda: function(prepared))
        env.cr.precommit.run()  # what the commit would run (tracking), outside the timing
    finally:
        env.cr.rollback()
    return result, figures


def repeated(env, function, rounds, prepare=None, warm_up=True):
    """Median and p95 of ``rounds`` runs of :func:`once` (after an untimed one, as on a
    running server whose caches are warm), their queries and the largest memory growth."""
    if warm_up:
        once(env, function, prepare)
    timings, queries, growth, result = [], [], [], None
    for __ in range(rounds):
        result, figures = once(env, function, prepare)
        timings.append(figures["seconds"])
        queries.append(figures["queries"])
        growth.append(figures["rss_growth_mb"])
    return result, {**common.summary(timings, queries), "rss_growth_mb": max(growth)}


def single(env, function, prepare=None):
    result, figures = once(env, function, prepare)
    return result, {
        "runs": 1,
        "median_ms": round(figures["seconds"] * 1000, 2),
        "queries": figures["queries"],
        "rss_growth_mb": figures["rss_growth_mb"],
    }


@contextlib.contextmanager
def without_suite_overrides(env, model_names):
    """Odoo's own methods only: every method a suite class overrides on these models is
    replaced, for the time of the block, by a call to the next class of the MRO."""
    patched = []

    def passthrough(klass, name):
        def method(self, *args, **kwargs):
            return getattr(super(klass, self), name)(*args, **kwargs)

        return method

    for model_name in model_names:
        mro = type(env[model_name]).__mro__
        for index, klass in enumerate(mro):
            if getattr(klass, "_module", None) not in common.SUITE_MODULES:
                continue
            for name, value in list(vars(klass).items()):
                if name.startswith("__") or not callable(value):
                    continue
                if any(
                    name in vars(base) and getattr(base, "_module", None) not in common.SUITE_MODULES
                    for base in mro[index + 1 :]
                ):
                    patched.append((klass, name, value))
    for klass, name, __ in patched:
        setattr(klass, name, passthrough(klass, name))
    try:
        yield sorted({f"{klass._module}: {klass._name}.{name}" for klass, name, __ in patched})
    finally:
        for klass, name, value in reversed(patched):
            setattr(klass, name, value)


# --- the figures --------------------------------------------------------------------------


def database_size(env):
    posted = [("move_type", "=", "out_invoice"), ("state", "=", "posted")]
    return {
        "customers": env["res.partner"].search_count([("customer_rank", ">", 0)]),
        "posted_invoices": env["account.move"].search_count(posted),
        "open_invoices": env["account.move"].search_count([*posted, ("payment_state", "in", ("not_paid", "partial"))]),
        "orders": env["sale.order"].search_count([]),
        "partial_reconciliations": env["account.partial.reconcile"].search_count([]),
        "commission_lines": env["commission.line"].search_count([]),
    }


CONFIRMATION_PREFIX = "BENCH confirmation "


def drop_confirmation_customers(env):
    """The customers :func:`confirmation_customer` made (a run stopped halfway left them)."""
    cr = env.cr
    cr.execute(SQL("SELECT id FROM res_partner WHERE starts_with(name, %s)", CONFIRMATION_PREFIX))
    partners = tuple(row[0] for row in cr.fetchall())
    if partners:
        cr.execute(
            SQL(
                """
                DELETE FROM sale_order_line WHERE order_partner_id IN %(partners)s;
                DELETE FROM sale_order WHERE partner_id IN %(partners)s;
                DELETE FROM account_move_line WHERE partner_id IN %(partners)s;
                DELETE FROM account_move WHERE partner_id IN %(partners)s;
                DELETE FROM res_partner WHERE id IN %(partners)s;
                """,
                partners=partners,
            )
        )
    env.cr.commit()
    env.invalidate_all()


def confirmation_customer(env, open_invoices, order):
    """A new customer with ``open_invoices`` open invoices (copies of an open invoice of the
    data, every column) and one confirmed order per 20 of them (copies of ``order``), its kept
    balances computed, committed, vacuumed and analyzed as on a live database: the data has none so
    large (about ten open invoices per customer). Dropped by :func:`drop_confirmation_customers`."""
    cr = env.cr
    (customer_id,) = common.insert_customers(cr, f"{CONFIRMATION_PREFIX}{open_invoices}-", 1)
    customer = env["res.partner"].browse(customer_id)
    template = env["account.move"].search(
        [("move_type", "=", "out_invoice"), ("state", "=", "posted"), ("payment_state", "=", "not_paid")], limit=1
    )
    if open_invoices and template:
        cr.execute(
            SQL(
                "CREATE TEMP TABLE bench_confirm_move ON COMMIT DROP AS"
                " SELECT g, nextval('account_move_id_seq') AS id FROM generate_series(1, %s) g",
                open_invoices,
            )
        )
        name = SQL("%s || m.g", f"{CONFIRMATION_PREFIX}{open_invoices}/")
        common.copy_select(
            env,
            "account_move",
            {
                "id": SQL("m.id"),
                "name": name,
                "partner_id": SQL("%s", customer_id),
                "commercial_partner_id": SQL("%s", customer_id),
            },
            SQL("account_move t JOIN bench_confirm_move m ON TRUE WHERE t.id = %s", template.id),
        )
        common.copy_select(
            env,
            "account_move_line",
            {"move_id": SQL("m.id"), "move_name": name, "partner_id": SQL("%s", customer_id)},
            SQL("account_move_line t JOIN bench_confirm_move m ON TRUE WHERE t.move_id = %s", template.id),
        )
    orders = open_invoices // 20
    if orders:
        cr.execute(
            SQL(
                "CREATE TEMP TABLE bench_confirm_order ON COMMIT DROP AS"
                " SELECT g, nextval('sale_order_id_seq') AS id FROM generate_series(1, %s) g",
                orders,
            )
        )
        partner = SQL("%s", customer_id)
        common.copy_select(
            env,
            "sale_order",
            {
                "id": SQL("o.id"),
                "name": SQL("%s || o.g", f"{CONFIRMATION_PREFIX}{open_invoices}/SO/"),
                "partner_id": partner,
                "partner_invoice_id": partner,
                "partner_shipping_id": partner,
                "access_token": SQL("NULL"),
            },
            SQL("sale_order t JOIN bench_confirm_order o ON TRUE WHERE t.id = %s", order.id),
        )
        common.copy_select(
            env,
            "sale_order_line",
            {"order_id": SQL("o.id"), "order_partner_id": partner},
            SQL("sale_order_line t JOIN bench_confirm_order o ON TRUE WHERE t.order_id = %s", order.id),
        )
    env.invalidate_all()
    customer._compute_credit_open_balances()  # rows written by SQL: the balance the ORM keeps
    env.flush_all()
    env.cr.commit()
    common.vacuum_analyze(
        cr.dbname, ("account_move", "account_move_line", "sale_order", "sale_order_line", "res_partner")
    )
    return customer


def confirmation(env, args):
    """Suite and plain confirmations of the same kind of order, alternating, for a customer
    with each number of open invoices of ``--confirmation-sizes``."""
    drop_confirmation_customers(env)
    # An order of the data (of a service, as the generator makes them): its terms and product.
    data_order = env["sale.order"].search(
        [
            ("state", "=", "sale"),
            ("name", "not like", CONFIRMATION_PREFIX),
            ("order_line.product_id.type", "=", "service"),
        ],
        limit=1,
        order="id desc",
    )
    report = {"goal_ratio": 1.1, "by_open_invoices": {}}
    try:
        for size in args.confirmation_sizes:
            customer = confirmation_customer(env, size, data_order)
            report["by_open_invoices"][size] = confirmation_of(env, args, customer, data_order)
    finally:
        env.cr.rollback()
        drop_confirmation_customers(env)
    sizes = report["by_open_invoices"].values()
    report["median_ratio_max"] = max(size["median_ratio"] for size in sizes)
    report["ok"] = report["median_ratio_max"] <= report["goal_ratio"]
    return report


def confirmation_of(env, args, customer, order):
    """Suite and plain confirmations of ``customer``'s orders, alternating, by the salesperson
    of the data's order from the web client: its user and the context the web client sends
    (language, time zone, allowed companies)."""
    company = env.company
    line = order.order_line[:1]
    seller = order.user_id or env.user
    seller_env = env(
        user=seller,
        su=False,
        context={
            "lang": seller.lang or "en_US",
            "tz": seller.tz or "Europe/Paris",
            "allowed_company_ids": [company.id],
        },
    )
    template = {
        "partner_id": customer.id,
        "user_id": seller.id,
        "payment_term_id": order.payment_term_id.id,
        "client_order_ref": "BENCH-PO",
        "order_line": [
            Command.create({"product_id": line.product_id.id, "price_unit": line.price_unit or 50.0}) for __ in range(3)
        ],
    }

    def draft():
        company.write({"credit_policy": "block", "credit_overdue_days": 0})
        customer.credit_limit = 1e12  # checked, never blocked
        return env["sale.order"].create(template)

    def confirm(order):
        order.with_env(seller_env).action_confirm()
        assert order.state == "sale"

    runs = {"suite": ([], []), "plain": ([], [])}
    bypassed = []

    def run(kind):
        if kind == "suite":
            return once(env, confirm, draft)[1]
        with without_suite_overrides(env, ("sale.order", "sale.order.line")) as names:
            bypassed[:] = names
            return once(env, confirm, draft)[1]

    run("suite"), run("plain")  # warm-up
    growth = []
    load = os.getloadavg()[0]
    for index in range(args.orders):
        for kind in ("suite", "plain") if index % 2 == 0 else ("plain", "suite"):
            figures = run(kind)
            runs[kind][0].append(figures["seconds"])
            runs[kind][1].append(figures["queries"])
            growth.append(figures["rss_growth_mb"])
    report = {kind: common.summary(*values) for kind, values in runs.items()}
    ratios = [suite / plain for suite, plain in zip(runs["suite"][0], runs["plain"][0], strict=True)]
    report.update(
        {
            "ratio_of_medians": round(report["suite"]["median_ms"] / report["plain"]["median_ms"], 3),
            "median_ratio": round(statistics.median(ratios), 3),
            "extra_queries": report["suite"]["queries"] - report["plain"]["queries"],
            "rss_growth_mb": max(growth),
            "customer_open_invoices": env["account.move"].search_count(
                [("partner_id", "=", customer.id), ("payment_state", "in", ("not_paid", "partial"))]
            ),
            "customer_open_orders": env["sale.order"].search_count(
                [("partner_id", "=", customer.id), ("state", "=", "sale")]
            ),
            "load_average": [round(load, 2), round(os.getloadavg()[0], 2)],
            "confirmed_by": {"login": seller.login, "su": False, "context": dict(seller_env.context)},
            "plain_bypasses": bypassed,
        }
    )
    return report


def dunning(env, args):
    Action = env["credit.dunning.action"]
    company = env.company
    today = fields.Date.context_today(Action)
    dunning_script = common.load_functions(os.path.join(HERE, "bench_dunning.py"), env)

    def plan(_prepared=None):
        Action._run_dunning(company, today=today)
        return Action.search_count([("state", "=", "planned")])

    planned, plan_figures = repeated(env, plan, args.rounds)

    def prepare_send():
        plan()
        actions = Action.search([("state", "=", "planned"), ("dispatched", "=", False)], order="id")
        return actions[:: max(1, len(actions) // args.reminders)][: args.reminders]

    counted = {}

    def send(actions):
        counted["reminders"] = len(actions)
        dunning_script["set_based"](actions)

    # Letters as HTML (a server without wkhtmltopdf), as bench_dunning.py does by default.
    report_model = type(env["ir.actions.report"])
    original_state = report_model.get_wkhtmltopdf_state
    report_model.get_wkhtmltopdf_state = lambda self: "install"
    try:
        __, send_figures = repeated(env, send, args.rounds, prepare_send)
    finally:
        report_model.get_wkhtmltopdf_state = original_state
    reminders = counted.get("reminders", 0)
    return {
        "plan": {**plan_figures, "planned_actions": planned},
        "send": {
            **send_figures,
            "reminders": reminders,
            "ms_per_reminder": round(send_figures["median_ms"] / reminders, 2) if reminders else None,
            "queries_per_reminder": round(send_figures["queries"] / reminders, 3) if reminders else None,
            "letters": "html",
        },
    }


def aged_balance(env, args):
    Aged = env["credit.aged.balance"]
    spec = {
        "partner_id": {"fields": {"display_name": {}}},
        "not_due": {},
        "aged_1_30": {},
        "aged_31_60": {},
        "aged_61_90": {},
        "aged_over_90": {},
        "total": {},
    }
    __, page = repeated(env, lambda _p: Aged.web_search_read([], spec, limit=80), args.rounds)
    totals = ["not_due:sum", "aged_1_30:sum", "aged_over_90:sum", "total:sum"]
    __, grouped = repeated(env, lambda _p: Aged.read_group([], totals, ["salesperson_id"]), args.rounds)
    return {"list_page": page, "by_salesperson": grouped}


def dispute_statistics(env, args):
    script = common.load_functions(os.path.join(HERE, "bench_dispute_register.py"), env)
    script["N_DISPUTES"] = args.disputes
    script["N_OVERDUE_OPEN"] = max(1, args.disputes // 10)
    moves = env["account.move"].search([("move_type", "=", "out_invoice"), ("state", "=", "posted")], limit=2000)
    measures = ["dispute_count:sum", "amount:sum", "resolution_days:avg", "late_rate:avg", "cash_blocked:sum"]
    report = {"disputes": args.disputes}
    for groupby in ("reason_id", "department_id", "salesperson_id", "partner_id"):
        __, report[f"by_{groupby}"] = repeated(
            env,
            lambda _p, g=groupby: env["dispute.report"]._read_group([], [g], measures),
            args.rounds,
            lambda: script["make_disputes"](moves),
        )
    return report


def commission_reconciliation(env, args):
    """Two shapes: 2-line payments each reconciled with its invoice, and one bank entry
    clearing as many invoices; each against the same reconciliation without the addon."""
    report = {}
    count = args.reconciliations
    try:
        invoices = env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "=", "not_paid"),
                ("invoice_user_id", "!=", False),
            ],
            limit=2 * count,
            order="id",
        )
        receivable = common.receivable_lines(invoices)
        payments = env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": line.partner_id.id,
                    "amount": line.amount_residual,
                }
                for line in receivable[:count]
            ]
        )
        payments.action_post()
        pairs = list(zip(receivable[:count], common.receivable_lines(payments.move_id), strict=True))
        bank = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", env.company.id)], limit=1)
        bulk_lines = receivable[count:]
        entry = env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": bank.id,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Bulk",
                            "account_id": line.account_id.id,
                            "partner_id": line.partner_id.id,
                            "balance": -line.amount_residual,
                        }
                    )
                    for line in bulk_lines
                ]
                + [
                    Command.create(
                        {
                            "name": "Bulk",
                            "account_id": bank.default_account_id.id,
                            "balance": sum(bulk_lines.mapped("amount_residual")),
                        }
                    )
                ],
            }
        )
        entry.action_post()
        entry_lines = common.receivable_lines(entry)
        # Each invoice with its own line of the entry (same customer and amount).
        used = env["account.move.line"]
        paired = []
        for line in bulk_lines:
            counterpart = (entry_lines - used).filtered(
                lambda e, line=line: e.partner_id == line.partner_id and e.balance == -line.amount_residual
            )[:1]
            used |= counterpart
            paired.append((line, counterpart))
        env.flush_all()
        for key, shape, one_call in (("two_line_payments", pairs, False), ("bulk_entry_one_call", paired, True)):
            rss = common.rss_bytes()
            figures = common.compare_reconcile(env, shape, args.rounds, one_call)
            report[key] = {"pairs": len(shape), **figures, "rss_growth_mb": round((common.rss_bytes() - rss) / 1e6, 1)}
    finally:
        env.cr.rollback()
    return report


def settlements(env, args):
    env.cr.execute(common.SQL("SELECT MIN(date), MAX(date), COUNT(*) FROM commission_line"))
    date_from, date_to, lines = env.cr.fetchone()
    Settlement = env["commission.settlement"]
    made, figures = repeated(
        env, lambda _p: len(Settlement._generate_for_period(date_from, date_to)), args.rounds, warm_up=False
    )
    return {**figures, "settlements": made, "commission_lines": lines}


def xlsx_exports(env, args):
    env.cr.execute(common.SQL("SELECT MIN(date), MAX(date) FROM commission_line"))
    date_from, date_to = env.cr.fetchone()
    data, commission = repeated(
        env,
        lambda wizard: wizard._build_xlsx(),
        args.rounds,
        lambda: env["commission.export.wizard"].create({"date_from": date_from, "date_to": date_to}),
    )
    __, aged_figures = repeated(env, lambda _p: env["credit.aged.balance"].action_export_xlsx(), args.rounds)
    return {
        "commission_report": {**commission, "file_mb": round(len(data) / 1e6, 2)},
        "aged_balance": aged_figures,
    }


def cockpit(env, args):
    report = {}
    for model, spec in (
        ("credit.cockpit", {"dso": {}, "best_dso": {}, "overdue_share": {}, "preventive_share": {}, "hold_count": {}}),
        ("credit.cockpit.exposure", {"partner_id": {"fields": {"display_name": {}}}, "exposure": {}, "usage": {}}),
        ("credit.cockpit.overdue.month", {"month": {}, "overdue_share": {}}),
    ):
        __, report[model] = repeated(
            env, lambda _p, m=model, s=spec: env[m].web_search_read([], s, limit=80), args.rounds
        )
    return report


def payment_behaviour(env, args):
    """The grading job: its first run (the table emptied first, as right after installing on a
    working database), a nightly run with no fall, and a run where grades fall (the thresholds
    C and D lowered by 5 days), each with the to-dos it gives finance (its figures include the
    two counts of the result)."""
    Behaviour = env["credit.payment.behaviour"]
    company = env.company

    def todos():
        return env["mail.activity"].search_count([("res_model", "=", "res.partner")])

    def run_job(before):
        Behaviour._compute_payment_behaviour(company)
        return {"graded_customers": Behaviour.search_count([]), "to_dos_created": todos() - before}

    def emptied():
        env.cr.execute(common.SQL("DELETE FROM credit_payment_behaviour"))
        return todos()

    def first_run_done():
        emptied()
        Behaviour._compute_payment_behaviour(company)
        return todos()

    def grades_fall():
        before = first_run_done()
        company.write(
            {"credit_grade_c_max": company.credit_grade_c_max - 5, "credit_grade_d_max": company.credit_grade_d_max - 5}
        )
        return before

    report = {}
    for name, prepare in (("first_run", emptied), ("nightly", first_run_done), ("grades_fall", grades_fall)):
        result, figures = repeated(env, run_job, args.rounds, prepare, warm_up=False)
        report[name] = {**figures, **result}
    return report


def worklist(env, args):
    """The collector's day as the web client opens its menu (the action's default filters,
    the list's first page and its count), after the dunning run and the grading (both rolled
    back after); the collectors' load as its pivot opens."""
    model = "credit.collector.worklist"

    def prepare():
        env["credit.dunning.action"]._run_dunning(env.company)
        env["credit.payment.behaviour"]._compute_payment_behaviour(env.company)
        collector = env[model].search([("to_do_today", "=", True), ("user_id", "!=", False)], limit=1).user_id
        return env(user=collector or env.user)

    def open_day(user_env):
        opening = common.action_opening(user_env, "credit_control.credit_collector_worklist_action")
        return common.open_list(user_env, model, opening)

    def open_load(_prepared):
        opening = common.action_opening(env, "credit_control.credit_collector_worklist_action_load")
        return common.open_pivot(env, model, opening)

    page, figures = repeated(env, open_day, args.rounds, prepare)
    __, load = repeated(env, open_load, args.rounds, prepare)
    return {"opening": {**figures, "to_do_today": page["length"]}, "load_by_collector": load}


def cash_forecast(env, args):
    """The forecast as the web client opens its menu (the graph), then its pivot and list."""
    model = "credit.cash.forecast"
    opening = common.action_opening(env, "credit_control.credit_cash_forecast_action")
    report = {}
    for view, open_view in (("graph", common.open_graph), ("pivot", common.open_pivot), ("list", common.open_list)):
        __, report[view] = repeated(env, lambda _p, open_view=open_view: open_view(env, model, opening), args.rounds)
    return {"opens_on": opening["views"][0], **report}


SECTIONS = (
    ("confirmation", confirmation),
    ("dunning", dunning),
    ("aged_balance", aged_balance),
    ("dispute_statistics", dispute_statistics),
    ("commission_at_reconciliation", commission_reconciliation),
    ("settlement_generation", settlements),
    ("xlsx_exports", xlsx_exports),
    ("cockpit", cockpit),
    ("payment_behaviour_grading", payment_behaviour),
    ("collector_worklist", worklist),
    ("cash_forecast", cash_forecast),
)


def main(env):
    args = parse_args()
    env = env(context={"tracking_disable": True})
    report = {
        "database": env.cr.dbname,
        "date": fields.Datetime.to_string(fields.Datetime.now()),
        "cpus": os.cpu_count(),
        "load_average_start": [round(load, 2) for load in os.getloadavg()],
        "rounds": args.rounds,
        "size": database_size(env),
    }
    start = time.perf_counter()
    only = set(args.only.split(",")) if args.only else None
    for name, section in SECTIONS:
        if only and name not in only:
            continue
        begin = time.perf_counter()
        try:
            report[name] = section(env, args)
        except Exception as error:  # one broken figure does not hide the others
            report[name] = {"error": f"{type(error).__name__}: {error}"}
        env.cr.rollback()
        print(f"{name}: {time.perf_counter() - begin:.1f} s", file=sys.stderr)
    report["load_average_end"] = [round(load, 2) for load in os.getloadavg()]
    report["total_s"] = round(time.perf_counter() - start, 1)
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if args.output:
        with open(args.output, "w") as output:
            output.write(text + "\n")
    env.cr.rollback()


main(env)  # noqa: F821 (click-odoo's global)
