# pylint: disable=print-used
"""The dunning send through queue_job (``credit_control_queue_job``) with 1 and 2 Odoo workers.

``./dev bench-workers DB [--workers 1 2] [--batch 25] [--port 8069]``: for each worker count,
a copy of ``DB`` (a database made by ``./dev bench-data``; the copy is dropped after, ``DB``
is left as it was) gets its dunning planned (committed), then an Odoo server starts on it
with ``--workers=N --load=base,web,queue_job`` and the channels of the README
(``root:N,root.credit_control:N``). After a warm-up (a few empty jobs, so that each worker
has loaded the registry), the sending of every planned action is queued on the channel by
batches (the bridge's ``_queue_dispatch``) and timed until no job of the channel is left to
run. Prints the times and their ratio as JSON (``--output FILE`` writes it too).
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from databases import copy_database, drop_database, with_env

from odoo.tools import SQL, config

CHANNEL = "root.credit_control"


def parse_args():
    parser = argparse.ArgumentParser(prog="./dev bench-workers DB")
    parser.add_argument("database")
    parser.add_argument("-c", "--config", required=True, help="the Odoo configuration file")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch", type=int, default=25, help="actions per sending job")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ODOO_HTTP_PORT", "8069")))
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before giving up on a run")
    parser.add_argument("--output", help="also write the JSON report to this file")
    return parser.parse_args()


def plan(env):
    """The dunning planned and committed: what the sending jobs then send."""
    Action = env["credit.dunning.action"]
    Action._run_dunning(env["res.company"].search([]))
    return Action.search_count([("state", "=", "planned"), ("dispatched", "=", False)])


def queue_warm_up(env, count):
    # Distinct arguments (jobs with the same ones are queued once); no such action: nothing sent.
    for index in range(count):
        env["credit.dunning.action"]._queue_dispatch(env["credit.dunning.action"].browse([-1 - index]))


def queue_send(env, batch):
    Action = env["credit.dunning.action"]
    Action._queue_dispatch(Action.search([("state", "=", "planned"), ("dispatched", "=", False)]), batch)


def job_states(database):
    def read(env):
        env.cr.execute(SQL("SELECT state, COUNT(*) FROM queue_job WHERE channel = %s GROUP BY state", CHANNEL))
        return dict(env.cr.fetchall())

    return with_env(database, read)


def wait_done(database, timeout):
    begin = time.perf_counter()
    while time.perf_counter() - begin < timeout:
        states = job_states(database)
        if not any(states.get(state) for state in ("pending", "enqueued", "started", "wait_dependencies")):
            return states
        time.sleep(0.2)
    raise TimeoutError(f"jobs still running after {timeout} s: {job_states(database)}")


def start_server(args, database, workers, conf_path):
    with open(args.config) as base, open(conf_path, "w") as conf:
        conf.write(base.read())
        conf.write(f"\n[queue_job]\nchannels = root:{workers},{CHANNEL}:{workers}\n")
    command = [
        sys.executable, "-m", "odoo", "-c", conf_path, "-d", database, f"--db-filter=^{database}$",
        f"--workers={workers}", "--load=base,web,queue_job", f"--http-port={args.port}",
        "--max-cron-threads=0", "--log-level=warn", "--limit-time-real=1800", "--limit-time-cpu=1800",
    ]  # fmt: skip
    log = open(conf_path + ".log", "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd="/")
    server.log = log
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://localhost:{args.port}/web/health", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.5)
    stop_server(server)
    raise RuntimeError(f"the server did not start, see {conf_path}.log")


def stop_server(server):
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    server.log.close()


def run(args, workers, tmp):
    database = f"{args.database}_w{workers}"
    copy_database(args.database, database)
    server = None
    try:
        planned = with_env(database, plan)
        server = start_server(args, database, workers, os.path.join(tmp, f"odoo_w{workers}.conf"))
        with_env(database, lambda env: queue_warm_up(env, 4 * workers))
        before = wait_done(database, args.timeout)
        begin = time.perf_counter()
        with_env(database, lambda env: queue_send(env, args.batch))
        states = wait_done(database, args.timeout)
        elapsed = time.perf_counter() - begin
        sent = with_env(
            database,
            lambda env: env["credit.dunning.action"].search_count([("dispatched", "=", True)]),
        )
        return {
            "workers": workers,
            "seconds": round(elapsed, 2),
            "planned_actions": planned,
            "dispatched_actions": sent,
            "send_jobs": {state: count - before.get(state, 0) for state, count in states.items()},
        }
    finally:
        if server:
            stop_server(server)
        drop_database(database)


def main():
    args = parse_args()
    config.parse_config(["-c", args.config])
    report = {
        "database": args.database,
        "cpus": os.cpu_count(),
        "load_average_start": [round(load, 2) for load in os.getloadavg()],
        "batch": args.batch,
        "channels": "root:N,root.credit_control:N",
    }
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run(args, workers, tmp) for workers in args.workers]
    report["runs"] = runs
    if len(runs) >= 2:
        report["ratio_first_to_last"] = round(runs[0]["seconds"] / runs[-1]["seconds"], 3)
    report["load_average_end"] = [round(load, 2) for load in os.getloadavg()]
    text = json.dumps(report, indent=2)
    print(text)
    if args.output:
        with open(args.output, "w") as output:
            output.write(text + "\n")


if __name__ == "__main__":
    main()
