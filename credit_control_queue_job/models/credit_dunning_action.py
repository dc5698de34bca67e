from odoo import api, fields, models

from odoo.addons.credit_control.models.credit_dunning_action import DISPATCH_BATCH_SIZE, RUN_BATCH_SIZE
from odoo.addons.queue_job.job import identity_exact

CHANNEL = "root.credit_control"


class CreditDunningAction(models.Model):
    _inherit = "credit.dunning.action"

    @api.model
    def _cron_queue_dunning(self, batch_size=RUN_BATCH_SIZE, dispatch_batch_size=DISPATCH_BATCH_SIZE):
        """The daily job with queue_job (the bridge points the cron here) only splits the
        work: one job per batch of customers plans their actions, then queues the sending of
        those actions by batches; any worker runs them, each in its own transaction. A job
        queued twice with the same arguments is queued once (identity), and planning and
        sending are idempotent: the job run again, or a job retried, sends nothing twice."""
        companies = self.env["res.company"].sudo().search([])
        self._requeue_undelivered_mails(companies)
        today = fields.Date.context_today(self)
        self.env.flush_all()
        self._release_settled_invoices(companies)
        for company in companies:
            partner_ids = self._dunning_candidate_partners(company, today)
            for start in range(0, len(partner_ids), batch_size):
                batch = partner_ids[start : start + batch_size]
                self.with_delay(
                    channel=CHANNEL,
                    identity_key=identity_exact,
                    description=self.env._("Dunning: plan %(count)s customers", count=len(batch)),
                )._job_plan_batch(company.id, batch, fields.Date.to_string(today), dispatch_batch_size)
        # What an earlier run planned and did not send yet.
        self._queue_dispatch(self.search([("state", "=", "planned"), ("dispatched", "=", False)]), dispatch_batch_size)
        return 0

    def _queue_dispatch(self, actions, batch_size=DISPATCH_BATCH_SIZE):
        ids = sorted(actions.ids)
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            self.with_delay(
                channel=CHANNEL,
                identity_key=identity_exact,
                description=self.env._("Dunning: send %(count)s actions", count=len(batch)),
            )._job_dispatch(batch)

    @api.model
    def _job_plan_batch(self, company_id, partner_ids, today, dispatch_batch_size=DISPATCH_BATCH_SIZE):
        """Plan the actions of these customers, then queue their sending."""
        company = self.env["res.company"].browse(company_id)
        self.env.flush_all()
        self._plan_batch(company, partner_ids, fields.Date.to_date(today), company._get_credit_controller())
        self.env.invalidate_all()
        actions = self.search(
            [
                ("company_id", "=", company_id),
                ("partner_id", "in", partner_ids),
                ("state", "=", "planned"),
                ("dispatched", "=", False),
            ]
        )
        self._queue_dispatch(actions, dispatch_batch_size)
        return len(actions)

    @api.model
    def _job_dispatch(self, action_ids):
        """Send these actions; those already sent (a job retried) are skipped."""
        return len(self.browse(action_ids).exists()._dispatch())
