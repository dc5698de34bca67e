from datetime import timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from .dunning_common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningRun(DunningCommon):
    def test_preventive_call_planned_before_due_date(self):
        invoice = self._create_invoice(500.0, days_overdue=-5)
        self.run_dunning()
        action = self.actions()
        self.assertEqual(action.stage_id, self.stage_call)
        self.assertEqual(action.state, "planned")
        self.assertLess(action.date, invoice.invoice_date_due)
        self.assertEqual(action.user_id, self.finance, "the company's credit controller collects")
        call = action.activity_ids
        self.assertEqual(call.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(call.user_id, self.finance)
        self.assertIn("delivery", str(call.note), "the call script is in the to-do")

    def test_nothing_before_the_first_stage(self):
        self._create_invoice(500.0, days_overdue=-20)
        self.run_dunning()
        self.assertFalse(self.actions())

    def test_one_action_per_customer_and_stage(self):
        invoices = self._create_invoice(100.0, -5) | self._create_invoice(250.0, -3) | self._create_invoice(70.0, -6)
        self._create_invoice(90.0, -5, partner=self.customer_2)
        self.run_dunning()
        action = self.actions()
        self.assertEqual(len(action), 1)
        self.assertEqual(action.move_ids, invoices)
        self.assertEqual(action.amount_due, 420.0)
        self.assertEqual(len(self.actions(self.customer_2)), 1)

    def test_friendly_reminder_email_with_amounts(self):
        invoice = self.reached(self._create_invoice(1234.5, days_overdue=4), self.stage_call)
        self.run_dunning()
        action = self.actions()
        self.assertEqual(action.stage_id, self.stage_friendly)
        self.assertRecordValues(action, [{"state": "done", "outcome": "sent", "amount_due": 1234.5}])
        mail = self.dunning_mails()
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "emails go through the mail queue")
        self.assertIn("payment reminder", mail.subject)
        self.assertIn(invoice.name, mail.body_html)
        self.assertIn("1,234.50", mail.body_html)

    def test_firm_reminder_notifies_salesperson(self):
        self.reached(self._create_invoice(300.0, days_overdue=16), self.stage_friendly)
        self.run_dunning()
        action = self.actions()
        self.assertEqual(action.stage_id, self.stage_firm)
        self.assertIn("second reminder", self.dunning_mails().subject)
        self.assertIn(self.salesman, action.activity_ids.user_id)

    def test_formal_notice_letter_and_cash_in_advance_proposal(self):
        """A formal notice letter; the second escalation within a year proposes cash in
        advance to finance."""
        proposal_type = self.env.ref("credit_control.mail_activity_dunning_cash_in_advance")
        first = self.reached(self._create_invoice(300.0, days_overdue=65), self.stage_firm, days_ago=40)
        self.run_dunning(days_later=-30)  # a first formal notice, a month ago
        self.assertEqual(first.dunning_stage_id, self.stage_notice)
        self.assertFalse(self.customer.activity_ids.filtered(lambda a: a.activity_type_id == proposal_type))
        invoice = self.reached(self._create_invoice(876.0, days_overdue=31), self.stage_firm)
        self.run_dunning()
        action = self.actions().filtered(lambda a: invoice in a.move_ids)
        self.assertEqual(action.stage_id, self.stage_notice)
        self.assertEqual(action.state, "done")
        letter = action.letter_attachment_id.raw.decode()
        self.assertIn("Formal notice to pay", letter)
        self.assertIn(invoice.name, letter)
        self.assertIn("876.00", letter)
        self.assertFalse(self.dunning_mails(), "a letter stage sends no email")
        proposal = self.customer.activity_ids.filtered(lambda a: a.activity_type_id == proposal_type)
        self.assertEqual(proposal.user_id, self.finance, "finance confirms the proposal")
        self.assertFalse(self.customer.credit_cash_in_advance, "never set silently")

    def test_litigation_letter(self):
        self.reached(self._create_invoice(640.0, days_overdue=50), self.stage_notice)
        self.run_dunning()
        action = self.actions()
        self.assertEqual(action.stage_id, self.stage_litigation)
        self.assertIn("litigation", action.letter_attachment_id.raw.decode())
        handover = action.activity_ids.filtered(lambda a: "litigation" in a.summary)
        self.assertEqual(handover.user_id, self.finance, "finance hands the claim over")

    def test_escalation_moves_invoice_to_next_stage(self):
        invoice = self._create_invoice(200.0, days_overdue=-5)
        self.run_dunning()
        call = self.actions()
        self.run_dunning(days_later=9)
        self.assertEqual(call.state, "cancelled", "the unmade call gives way to the next stage")
        reminder = self.actions(stage_id=self.stage_friendly.id)
        self.assertEqual(reminder.move_ids, invoice)
        self.assertEqual(invoice.dunning_stage_id, self.stage_friendly)
        self.assertEqual(invoice.dunning_action_ids, reminder, "the call never made is not in its history")

    def test_run_twice_creates_nothing_new(self):
        self._create_invoice(100.0, days_overdue=-5)
        self._create_invoice(200.0, days_overdue=4)
        self._create_invoice(300.0, days_overdue=35, partner=self.customer_2)
        self.run_dunning()
        counts = (
            self.Action.search_count([]),
            self.env["mail.mail"].search_count([]),
            self.env["ir.attachment"].search_count([]),
        )
        self.run_dunning()
        self.assertEqual(
            (
                self.Action.search_count([]),
                self.env["mail.mail"].search_count([]),
                self.env["ir.attachment"].search_count([]),
            ),
            counts,
        )

    def test_run_stopped_halfway_completes_without_duplicates(self):
        self.reached(self._create_invoice(100.0, days_overdue=4), self.stage_call)
        self.reached(self._create_invoice(200.0, days_overdue=4, partner=self.customer_2), self.stage_call)
        # A run killed after its first committed batch: one customer planned, nothing sent.
        collector = self.company._get_credit_controller()
        self.env.flush_all()
        self.Action._plan_batch(self.company, self.customer.ids, self.today, collector)
        self.env.invalidate_all()
        self.run_dunning()
        for partner in self.customer | self.customer_2:
            self.assertEqual(len(self.actions(partner)), 1)
            self.assertEqual(len(self.dunning_mails(partner)), 1)

    def test_dispatched_action_is_never_sent_again(self):
        self.reached(self._create_invoice(100.0, days_overdue=4), self.stage_call)
        self.run_dunning()
        action = self.actions()
        action._dispatch()
        self.assertEqual(len(self.dunning_mails()), 1)

    def test_invoice_added_to_open_action_of_same_stage(self):
        first = self._create_invoice(100.0, days_overdue=-5)
        self.run_dunning()
        second = self._create_invoice(50.0, days_overdue=-6)
        self.run_dunning()
        action = self.actions()
        self.assertEqual(len(action), 1)
        self.assertEqual(action.move_ids, first | second)
        self.assertEqual(action.amount_due, 150.0)

    def test_paid_invoice_leaves_the_agenda(self):
        paid = self._create_invoice(100.0, days_overdue=-5)
        open_invoice = self._create_invoice(300.0, days_overdue=-5)
        self.run_dunning()
        self.pay(paid, 100.0)
        self.run_dunning()
        action = self.actions()
        self.assertEqual(action.move_ids, open_invoice)
        self.assertEqual(action.amount_due, 300.0)
        self.pay(open_invoice, 300.0)
        self.run_dunning()
        self.assertEqual(action.state, "cancelled")

    def test_partial_payment_keeps_the_residual(self):
        invoice = self.reached(self._create_invoice(100.0, days_overdue=4), self.stage_call)
        self.pay(invoice, 40.0)
        self.run_dunning()
        action = self.actions()
        self.assertEqual(action.amount_due, 60.0)
        self.assertIn("60.00", self.dunning_mails().body_html)

    def test_amount_due_in_company_currency(self):
        euro = self.setup_other_currency("EUR")  # 2 EUR for 1 of the company's currency
        invoice = self._create_invoice(200.0, days_overdue=-5, post=False)
        invoice.currency_id = euro
        invoice.action_post()
        self._create_invoice(30.0, days_overdue=-5)
        self.run_dunning()
        self.assertEqual(self.actions().amount_due, 130.0)

    def test_disputed_invoice_skipped_then_resumed(self):
        disputed = self._create_invoice(100.0, days_overdue=4)
        disputed.in_dispute = True
        self.run_dunning()
        self.assertFalse(self.actions())
        disputed.in_dispute = False
        self.run_dunning()
        self.assertEqual(self.actions().move_ids, disputed)

    def test_dispute_flag_removes_invoice_from_open_action(self):
        invoice = self._create_invoice(100.0, days_overdue=-5)
        other = self._create_invoice(80.0, days_overdue=-5)
        self.run_dunning()
        invoice.in_dispute = True
        self.run_dunning()
        self.assertEqual(self.actions().move_ids, other)

    def test_customer_policy_replaces_company_default(self):
        policy = self.env["credit.dunning.policy"].create(
            {
                "name": "Key accounts",
                "company_id": self.company.id,
                "stage_ids": [
                    (0, 0, {"name": "Courtesy call", "offset_days": 10, "channel": "phone"}),
                ],
            }
        )
        self.customer.with_company(self.company).credit_dunning_policy_id = policy
        self._create_invoice(100.0, days_overdue=4)
        self.reached(self._create_invoice(100.0, days_overdue=11, partner=self.customer_2), self.stage_call)
        self.run_dunning()
        self.assertFalse(self.actions(), "its own policy waits 10 days")
        self.assertEqual(self.actions(self.customer_2).stage_id, self.stage_friendly)

    def test_accountant_runs_dunning_from_the_menu(self):
        self._create_invoice(100.0, days_overdue=-5)
        self.reached(self._create_invoice(300.0, days_overdue=35, partner=self.customer_2), self.stage_firm)
        result = self.Action.with_user(self.billing).action_run_dunning()
        self.assertEqual(result["res_model"], "credit.dunning.action")
        self.assertEqual(self.actions().stage_id, self.stage_call)
        notice = self.actions(self.customer_2)
        self.assertRecordValues(notice, [{"stage_id": self.stage_notice.id, "done_user_id": self.billing.id}])

    def test_queries_do_not_grow_with_customers(self):
        def count_queries():
            self.env.flush_all()  # what the test itself left to write is not the run's
            before = self.env.cr.sql_log_count
            self.Action._run_dunning(self.company, today=self.today)
            return self.env.cr.sql_log_count - before

        self._create_invoice(100.0, days_overdue=-5)
        few = count_queries()
        for index in range(5):
            partner = self.env["res.partner"].create({"name": f"Customer {index}", "is_company": True})
            self._create_invoice(100.0, days_overdue=-5, partner=partner)
            self.reached(self._create_invoice(80.0, days_overdue=20, partner=partner), self.stage_friendly)
        self.assertEqual(count_queries(), few)
        self.assertEqual(self.Action.search_count([("stage_id", "in", (self.stage_call | self.stage_firm).ids)]), 11)

    def test_run_refreshes_statistics_of_tables_planned_empty(self):
        """Tables analyzed while empty (after a rolled-back run) keep their pages with statistics
        of no row: the run analyzes them once it has written into them, before its joins."""
        tables = ("credit_dunning_action", "credit_dunning_action_move_rel")

        def row_estimates():
            self.env.cr.execute(SQL("SELECT relname, reltuples, relpages FROM pg_class WHERE relname IN %s", tables))
            return {name: (rows, pages) for name, rows, pages in self.env.cr.fetchall()}

        self._create_invoice(100.0, days_overdue=-5)
        self._create_invoice(200.0, days_overdue=-5, partner=self.customer_2)
        self.run_dunning()
        self.env.cr.execute(
            SQL(
                "DELETE FROM credit_dunning_action_move_rel; DELETE FROM credit_dunning_invoice_stage;"
                " DELETE FROM credit_dunning_action; ANALYZE credit_dunning_action, credit_dunning_action_move_rel"
            )
        )
        self.env.invalidate_all()
        for name, (rows, pages) in row_estimates().items():
            self.assertEqual(rows, 0, f"{name}: planned as empty")
            self.assertGreater(pages, 0, f"{name}: over pages it keeps")
        self.Action._run_dunning(self.company, today=self.today)
        self.assertEqual(len(self.actions() | self.actions(self.customer_2)), 2)
        for name, (rows, _pages) in row_estimates().items():
            self.assertGreaterEqual(rows, 2, f"{name}: counted again")

    def test_agenda_views_load_for_sales_users(self):
        views = self.Action.with_user(self.salesman).get_views(
            [(False, "list"), (False, "kanban"), (False, "calendar"), (False, "form"), (False, "search")]
        )
        self.assertEqual(set(views["views"]), {"list", "kanban", "calendar", "form", "search"})

    def test_stage_to_dos_in_the_language_of_the_run(self):
        """The salesperson's and the litigation to-dos are written in the job's language."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["credit_control"], ["fr_FR"], overwrite=True)
        self.reached(self._create_invoice(1000.0, days_overdue=16), self.stage_friendly)
        self.reached(self._create_invoice(400.0, days_overdue=46), self.stage_notice)
        french = self.Action.with_context(lang="fr_FR")
        french._run_dunning(self.company, today=self.today)
        french._dispatch_actions(companies=self.company)
        summaries = self.env["mail.activity"].search([("res_model", "=", "credit.dunning.action")]).mapped("summary")
        stage = self.stage_firm.with_context(lang="fr_FR").name
        self.assertIn(f"Recouvrement de {self.customer.name} : {stage}", summaries)
        self.assertIn(f"Confier la créance sur {self.customer.name} au contentieux", summaries)


@tagged("post_install", "-at_install")
class TestDunningNextStep(DunningCommon):
    """Invoice by invoice, what dunning does next and when."""

    def test_next_stage_follows_the_policy_the_run_and_the_promise(self):
        invoice = self._create_invoice(500.0, days_overdue=-10)
        due = invoice.invoice_date_due
        self.assertEqual(invoice.dunning_next_stage_id, self.stage_call)
        self.assertEqual(invoice.dunning_next_date, due - timedelta(days=7))
        self.run_dunning(days_later=4)
        invoice.invalidate_recordset()
        self.assertEqual(invoice.dunning_stage_id, self.stage_call)
        self.assertEqual(invoice.dunning_next_stage_id, self.stage_friendly)
        self.assertEqual(invoice.dunning_next_date, due + timedelta(days=3))
        promised = due + timedelta(days=20)
        invoice.dunning_hold_until = promised
        self.assertEqual(invoice.dunning_next_date, promised + timedelta(days=1))
        invoice.in_dispute = True
        self.assertFalse(invoice.dunning_next_stage_id)
        invoice.in_dispute = False
        self.pay(invoice, 500.0)
        self.assertFalse(invoice.dunning_next_stage_id)


@tagged("post_install", "-at_install")
class TestDunningResume(DunningCommon):
    """The run resumes where each invoice stood: the stage after the last one it had, when
    that stage's date is reached, one stage a day at most; never a stage it has not had."""

    def test_first_contact_of_a_late_invoice_is_the_first_stage(self):
        invoice = self._create_invoice(640.0, days_overdue=50)
        self.run_dunning()
        self.assertEqual(invoice.dunning_stage_id, self.stage_call)
        self.assertFalse(self.actions(stage_id=self.stage_litigation.id))

    def test_after_a_long_dispute_the_next_reminder_not_the_formal_notice(self):
        invoice = self._create_invoice(500.0, days_overdue=-5)
        self.run_dunning()  # the preventive call
        self.run_dunning(days_later=9)  # the friendly reminder, 4 days after the due date
        self.assertEqual(invoice.dunning_stage_id, self.stage_friendly)
        invoice.in_dispute = True
        self.run_dunning(days_later=50)
        self.assertEqual(invoice.dunning_stage_id, self.stage_friendly, "paused while disputed")
        invoice.in_dispute = False  # 45 days late: the formal notice's date is long past
        self.run_dunning(days_later=50)
        self.assertEqual(invoice.dunning_stage_id, self.stage_firm, "the reminder it has not had")
        self.assertFalse(self.actions(stage_id=self.stage_notice.id))
        counts = (self.Action.search_count([]), self.env["mail.mail"].search_count([]))
        self.run_dunning(days_later=50)
        self.assertEqual(invoice.dunning_stage_id, self.stage_firm, "the same day again: nothing more")
        self.assertEqual((self.Action.search_count([]), self.env["mail.mail"].search_count([])), counts)
        self.run_dunning(days_later=51)
        self.assertEqual(invoice.dunning_stage_id, self.stage_notice)
        self.assertEqual(
            self.actions().filtered(lambda a: a.state != "cancelled").stage_id,
            self.stage_friendly | self.stage_firm | self.stage_notice,
            "every stage once (the call never made gave way to the reminder)",
        )
        self.assertEqual(len(self.actions()), 4)

    def test_forecast_says_what_the_run_does(self):
        """Coming Up and the invoice's next step read the run's rule."""
        call_due = self._create_invoice(100.0, days_overdue=-6)
        late = self._create_invoice(200.0, days_overdue=30)
        resumed = self.reached(self._create_invoice(300.0, days_overdue=40), self.stage_friendly, days_ago=30)
        today_done = self.reached(self._create_invoice(400.0, days_overdue=40), self.stage_friendly, days_ago=0)
        promised = self.reached(self._create_invoice(500.0, days_overdue=20), self.stage_friendly)
        promised.dunning_hold_until = self.today
        invoices = call_due | late | resumed | today_done | promised
        Forecast = self.env["credit.dunning.forecast"]
        Forecast.invalidate_model()
        due_today = Forecast.search([("move_id", "in", invoices.ids), ("date", "<=", self.today)])
        expected = {step.move_id: step.stage_id for step in due_today}
        self.assertEqual(
            expected,
            {call_due: self.stage_call, late: self.stage_call, resumed: self.stage_firm},
        )
        tomorrow = self.today + timedelta(days=1)
        self.assertEqual((today_done.dunning_next_stage_id, today_done.dunning_next_date), (self.stage_firm, tomorrow))
        self.assertEqual((promised.dunning_next_stage_id, promised.dunning_next_date), (self.stage_firm, tomorrow))
        before = {invoice: invoice.dunning_stage_id for invoice in invoices}
        self.run_dunning()
        moved = {
            invoice: invoice.dunning_stage_id for invoice in invoices if invoice.dunning_stage_id != before[invoice]
        }
        self.assertEqual(moved, expected)
        Forecast.invalidate_model()
        self.assertFalse(Forecast.search([("move_id", "in", invoices.ids), ("date", "<=", self.today)]))
