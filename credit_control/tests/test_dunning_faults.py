"""Faults survived, with real processes and real transactions: the dunning job killed with
SIGKILL halfway, and a mail server that does not answer. The data is committed in the
test database (customers of their own in the main company, which holds no other invoice)
and taken out of dunning afterwards, so that the other tests never see it."""

import uuid
from contextlib import contextmanager
from datetime import timedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

from .fault_tools import DunningJob, SmtpSink, closed_port

FAULT_REF = "dunning-fault-test"


@tagged("post_install", "-at_install")
class TestDunningFaults(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db_name = cls.env.cr.dbname
        with cls.committed() as env:
            cls._take_out(env)  # what an earlier run that crashed may have left

    def setUp(self):
        super().setUp()
        self.addCleanup(self._cleanup)

    @classmethod
    @contextmanager
    def committed(cls):
        """An environment on a cursor of its own, committed at the end: what the dunning
        job in its own process sees."""
        with db_connect(cls.db_name).cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {})

    def _cleanup(self):
        with self.committed() as env:
            self._take_out(env)

    @staticmethod
    def _take_out(env):
        partners = env["res.partner"].with_context(active_test=False).search([("ref", "=", FAULT_REF)])
        invoices = env["account.move"].search([("partner_id", "in", partners.ids), ("state", "=", "posted")])
        invoices.button_draft()
        invoices.button_cancel()
        actions = env["credit.dunning.action"].search([("partner_id", "in", partners.ids)])
        env["mail.mail"].search([("model", "=", "credit.dunning.action"), ("res_id", "in", actions.ids)]).unlink()
        actions.filtered(lambda a: a.state == "planned").write({"state": "cancelled"})
        partners.write({"active": False})
        env["ir.mail_server"].search([("name", "=like", "Dunning fault test%")]).unlink()

    def _customers_with_a_reminder_due(self, count):
        """``count`` customers, each with an invoice 4 days late that had its preventive
        call: the friendly reminder email is due today."""
        tag = uuid.uuid4().hex[:8]
        with self.committed() as env:
            company = env.ref("base.main_company")
            today = fields.Date.context_today(env.user)
            partners = env["res.partner"].create(
                [
                    {
                        "name": f"Fault {tag} {index}",
                        "ref": FAULT_REF,
                        "is_company": True,
                        "email": f"fault-{tag}-{index}@example.com",
                    }
                    for index in range(count)
                ]
            )
            invoices = (
                env["account.move"]
                .with_company(company)
                .create(
                    [
                        {
                            "move_type": "out_invoice",
                            "partner_id": partner.id,
                            "invoice_date": today - timedelta(days=4),
                            "invoice_payment_term_id": False,
                            "invoice_date_due": today - timedelta(days=4),
                            "invoice_line_ids": [Command.create({"name": "Crates", "quantity": 1, "price_unit": 100})],
                        }
                        for partner in partners
                    ]
                )
            )
            invoices.action_post()
            invoices.write(
                {
                    "dunning_stage_id": env.ref("credit_control.credit_dunning_stage_preventive_call").id,
                    "dunning_stage_date": today - timedelta(days=10),
                }
            )
            return partners.ids, invoices.ids

    def _state(self, partner_ids):
        """Per customer: its actions (stage, state, dispatched) and its reminder mails' states."""
        with self.committed() as env:
            actions = env["credit.dunning.action"].search([("partner_id", "in", partner_ids)])
            mails = env["mail.mail"].search([("model", "=", "credit.dunning.action"), ("res_id", "in", actions.ids)])
            return {
                partner_id: {
                    "actions": sorted(
                        (a.stage_id.name, a.state, a.dispatched) for a in actions if a.partner_id.id == partner_id
                    ),
                    "mails": sorted(
                        m.state
                        for m in mails
                        if env["credit.dunning.action"].browse(m.res_id).partner_id.id == partner_id
                    ),
                }
                for partner_id in partner_ids
            }

    def test_job_killed_halfway_completes_without_duplicates(self):
        partner_ids, invoice_ids = self._customers_with_a_reminder_due(3)
        # Killed (SIGKILL) after its first commit: one customer of three planned, nothing sent.
        job = DunningJob(self.db_name, pause_at=1)
        job.wait_for("PAUSED")
        job.kill()
        state = self._state(partner_ids)
        planned = [p for p in partner_ids if state[p]["actions"]]
        self.assertEqual(len(planned), 1)
        self.assertEqual(state[planned[0]]["actions"], [("Friendly reminder", "planned", False)])
        self.assertFalse(any(s["mails"] for s in state.values()))
        # Again, killed after the two other customers' batches and two reminders sent.
        job = DunningJob(self.db_name, pause_at=4)
        job.wait_for("PAUSED")
        job.kill()
        state = self._state(partner_ids)
        self.assertEqual(sum(len(s["mails"]) for s in state.values()), 2)
        self.assertTrue(all(len(s["actions"]) == 1 for s in state.values()))
        # The next job completes; one more changes nothing.
        DunningJob(self.db_name, steps=("cron", "cron")).finish()
        for partner_id, partner_state in self._state(partner_ids).items():
            with self.subTest(partner=partner_id):
                self.assertEqual(partner_state["actions"], [("Friendly reminder", "done", True)])
                self.assertEqual(partner_state["mails"], ["outgoing"], "one reminder, never two")
        with self.committed() as env:
            stages = env["account.move"].browse(invoice_ids).dunning_stage_id
            self.assertEqual(stages, env.ref("credit_control.credit_dunning_stage_friendly"))

    def test_reminders_wait_for_the_mail_server(self):
        partner_ids, _invoice_ids = self._customers_with_a_reminder_due(2)
        with self.committed() as env:
            server = env["ir.mail_server"].create(
                {"name": "Dunning fault test", "smtp_host": "127.0.0.1", "smtp_port": closed_port(), "sequence": 0}
            )
            server_id = server.id
        # The server does not answer: each send fails, the next job queues the reminders again.
        DunningJob(self.db_name, steps=("cron", "mail", "cron", "mail")).finish()
        state = self._state(partner_ids)
        for partner_id in partner_ids:
            self.assertEqual(state[partner_id]["mails"], ["exception"], "kept, not lost, not doubled")
        # Back: the next job sends each reminder once, and a later one sends nothing more.
        sink = SmtpSink()
        self.addCleanup(sink.stop)
        with self.committed() as env:
            env["ir.mail_server"].browse(server_id).smtp_port = sink.port
        DunningJob(self.db_name, steps=("cron", "mail", "cron", "mail")).finish()
        with self.committed() as env:
            emails = env["res.partner"].browse(partner_ids).mapped("email")
        received = sorted(address for message in sink.messages for address in message["to"])
        self.assertEqual(received, sorted(emails))
        self.assertTrue(all(b"reminder" in message["data"].lower() for message in sink.messages))
        state = self._state(partner_ids)
        for partner_id in partner_ids:
            self.assertEqual(state[partner_id]["mails"], ["sent"])
            self.assertEqual(state[partner_id]["actions"], [("Friendly reminder", "done", True)])

    def test_scheduled_job_sends_in_slices_and_tells_what_remains(self):
        """Called by the scheduler, each call of the job sends a slice, commits and tells
        the progress API how many actions remain; the scheduler calls it again until none."""
        partner_ids, _invoice_ids = self._customers_with_a_reminder_due(3)
        calls = []
        for _call in range(2):
            with self.committed() as env:
                _cron, progress = env.ref("credit_control.ir_cron_run_dunning")._add_progress()
                env["credit.dunning.action"].with_context(ir_cron_progress_id=progress.id)._cron_run_dunning(
                    dispatch_batch_size=1, dispatch_limit=2
                )
                calls.append((progress.done, progress.remaining))
        self.assertEqual(calls, [(2, 1), (1, 0)])
        for partner_state in self._state(partner_ids).values():
            self.assertEqual(partner_state["actions"], [("Friendly reminder", "done", True)])
            self.assertEqual(partner_state["mails"], ["outgoing"], "one reminder, never two")
