from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.credit_control.tests.dunning_common import DunningCommon
from odoo.addons.queue_job.job import Job

from ..hooks import CRON_CODES, uninstall_hook


@tagged("post_install", "-at_install")
class TestQueueJobs(DunningCommon):
    """With queue_job, the daily job queues one job per batch of customers on the
    credit_control channel; each plans and queues the sending. The jobs stored are run
    here synchronously, as the job runner's worker runs them (``Job.load``, ``perform``)."""

    def _due_reminders(self):
        for partner in self.customer | self.customer_2:
            self.reached(self._create_invoice(100.0, days_overdue=4, partner=partner), self.stage_call)

    def _queued(self):
        return self.env["queue.job"].sudo().search([("channel", "=", "root.credit_control"), ("state", "=", "pending")])

    def _run_jobs(self):
        """Perform the queued jobs, and those they queue, until none is left."""
        performed = []
        while records := self._queued():
            for record in records:
                job = Job.load(self.env(su=True), record.uuid)
                job.set_started()
                job.perform()
                job.set_done()
                job.store()
                performed.append(job.method_name)
        return performed

    def test_dunning_split_in_jobs_sends_once(self):
        self._due_reminders()
        self.Action._cron_queue_dunning(batch_size=1)
        # Only this company's customers are due: one planning job each.
        self.assertEqual(self._queued().mapped("method_name"), ["_job_plan_batch"] * 2)
        self.assertEqual(self._run_jobs(), ["_job_plan_batch"] * 2 + ["_job_dispatch"] * 2)
        for partner in self.customer | self.customer_2:
            self.assertEqual(self.actions(partner).mapped("state"), ["done"])
            self.assertEqual(len(self.dunning_mails(partner)), 1)
        # The job run again, and a sending job retried: nothing more.
        self.Action._cron_queue_dunning(batch_size=1)
        self._run_jobs()
        self.Action._job_dispatch(self.actions(self.customer).ids)
        for partner in self.customer | self.customer_2:
            self.assertEqual(len(self.actions(partner)), 1)
            self.assertEqual(len(self.dunning_mails(partner)), 1, "one reminder, never two")

    def test_same_job_queued_once(self):
        """Two runs before a worker takes the jobs: the same batches are queued once."""
        self._due_reminders()
        self.Action._cron_queue_dunning(batch_size=1)
        first = self._queued()
        self.Action._cron_queue_dunning(batch_size=1)
        self.assertEqual(self._queued(), first)

    def test_settlements_split_in_jobs(self):
        Settlement = self.env["commission.settlement"]
        date_from, _date_to = Settlement._last_month()
        sellers = self.salesman | self.make_salesman("qj_seller")
        invoice = self._create_invoice(100.0, days_overdue=0)
        self.env["commission.line"]._insert_lines(
            [
                {
                    "company_id": self.company.id,
                    "user_id": seller.id,
                    "move_id": invoice.id,
                    "date": date_from + timedelta(days=1),
                    "collection_date": date_from + timedelta(days=1),
                    "kind": "earned",
                    "collected": 100.0,
                    "rate": 10.0,
                    "amount": 10.0,
                }
                for seller in sellers
            ]
        )
        Settlement._cron_queue_settlements(batch_size=1)
        self.assertEqual(self._run_jobs(), ["_job_generate_settlements"] * 2)
        Settlement._cron_queue_settlements(batch_size=1)
        self.assertFalse(self._run_jobs(), "nothing left to settle")
        settlements = Settlement.search([("user_id", "in", sellers.ids), ("date_from", "=", date_from)])
        self.assertEqual(settlements.user_id, sellers)
        self.assertEqual(settlements.mapped("amount_total"), [10.0, 10.0])

    def test_crons_queue_the_jobs_until_uninstalled(self):
        crons = [self.env.ref(xmlid) for xmlid in CRON_CODES]
        self.assertEqual([cron.code for cron in crons], [queued for _inline, queued in CRON_CODES.values()])
        uninstall_hook(self.env)
        self.assertEqual([cron.code for cron in crons], [inline for inline, _queued in CRON_CODES.values()])
