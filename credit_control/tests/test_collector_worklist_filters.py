from datetime import timedelta

from lxml import etree

from .test_collector_worklist import WorklistCommon

FIELDS = [
    "partner_id",
    "company_id",
    "user_id",
    "grade",
    "score",
    "amount_due",
    "amount_overdue",
    "days_late",
    "call_count",
    "promise_due_amount",
    "promise_broken_amount",
    "to_do_today",
    "next_action",
]


class TestWorklistFiltersInTheQuery(WorklistCommon):
    """The domain's to-do, collector and customer filters restrict the customers the query
    sums (issue 16, speed): the lines are the same as those of the whole worklist filtered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.finance.company_ids |= cls.company
        # The company's collector (billing) by default; finance for the customers given to it.
        mix = {}
        for name, collector, grade in (
            ("Call Today", None, "E"),
            ("Call Late", "finance", "B"),
            ("Call Next Week", None, "A"),
            ("Promise Today", "finance", None),
            ("Promise Broken", None, "D"),
            ("Promise Handled", "finance", "C"),
            ("Nothing Planned", None, "C"),
            ("Nothing Planned Either", "finance", None),
        ):
            partner = cls.make_customer(name, grade)
            if collector:
                partner.with_company(cls.company).credit_collector_id = cls.finance
            mix[name] = partner
        cls.mix = mix

        def invoice(name, amount, days_overdue):
            return cls._create_invoice(amount, days_overdue=days_overdue, partner=mix[name])

        cls.plan(mix["Call Today"], invoice("Call Today", 1200.0, 12))
        cls.plan(mix["Call Late"], invoice("Call Late", 800.0, 40), date=cls.today - timedelta(days=2))
        cls.plan(mix["Call Next Week"], invoice("Call Next Week", 900.0, 3), date=cls.today + timedelta(days=7))
        cls.promise(mix["Promise Today"], invoice("Promise Today", 500.0, 8), cls.today, 300.0)
        cls.promise(mix["Promise Broken"], invoice("Promise Broken", 700.0, 20), cls.today - timedelta(days=1), 700.0)
        handled = invoice("Promise Handled", 650.0, 70)
        cls.promise(mix["Promise Handled"], handled, cls.today - timedelta(days=2), 650.0, days_ago=5)
        contact = cls.plan(mix["Promise Handled"], handled, cls.stage_friendly, date=cls.today - timedelta(days=1))
        contact.write({"state": "done", "outcome": "no_issue", "done_date": contact.create_date})
        invoice("Nothing Planned", 2000.0, 100)
        invoice("Nothing Planned Either", 300.0, -10)

    def whole(self, user=None):
        """Every line, summed for every customer (no restriction inside the query)."""
        self.Worklist.invalidate_model()
        return self.Worklist.with_user(user or self.billing).search_read([], FIELDS)

    def filtered(self, domain, user=None):
        self.Worklist.invalidate_model()
        return self.Worklist.with_user(user or self.billing).search_read(domain, FIELDS)

    def test_the_mix_as_the_worklist_sees_it(self):
        lines = {line["partner_id"][1]: line for line in self.whole() if line["partner_id"][0] in self.ids()}
        self.assertEqual(
            {name for name, line in lines.items() if line["to_do_today"]},
            {"Call Today", "Call Late", "Promise Today", "Promise Broken"},
        )
        self.assertEqual(lines["Call Late"]["user_id"][0], self.finance.id)
        self.assertEqual(lines["Call Today"]["user_id"][0], self.billing.id)

    def ids(self):
        return {partner.id for partner in self.mix.values()}

    def test_same_lines_with_the_filters_inside_the_query(self):
        whole = self.whole()
        cases = [
            ([("to_do_today", "=", True)], lambda line: line["to_do_today"]),
            (
                [("to_do_today", "=", True), ("user_id", "=", self.billing.id)],
                lambda line: line["to_do_today"] and line["user_id"] and line["user_id"][0] == self.billing.id,
            ),
            (
                ["&", ("user_id", "=", self.finance.id), ("to_do_today", "!=", False)],
                lambda line: line["to_do_today"] and line["user_id"] and line["user_id"][0] == self.finance.id,
            ),
            (
                [("user_id", "in", [self.finance.id])],
                lambda line: line["user_id"] and line["user_id"][0] == self.finance.id,
            ),
            (
                [("partner_id", "in", [self.mix["Call Late"].id, self.mix["Nothing Planned"].id])],
                lambda line: line["partner_id"][0] in (self.mix["Call Late"].id, self.mix["Nothing Planned"].id),
            ),
            # An OR is not a restriction of every line: nothing is filtered inside.
            (
                ["|", ("user_id", "=", self.finance.id), ("to_do_today", "=", True)],
                lambda line: line["to_do_today"] or (line["user_id"] and line["user_id"][0] == self.finance.id),
            ),
            (
                [("to_do_today", "=", True), "!", ("user_id", "=", self.billing.id)],
                lambda line: line["to_do_today"] and not (line["user_id"] and line["user_id"][0] == self.billing.id),
            ),
        ]
        for domain, keep in cases:
            with self.subTest(domain=domain):
                expected = [line for line in whole if keep(line)]
                self.assertTrue(expected, "each case keeps some lines of the mix")
                self.assertEqual(self.filtered(domain), expected)
                worklist = self.Worklist.with_user(self.billing)
                self.assertEqual(worklist.search_count(domain), len(expected))

    def test_the_collectors_load_is_the_same_grouped(self):
        whole = self.whole()
        groups = self.Worklist.with_user(self.billing)._read_group(
            [("to_do_today", "=", True)], ["user_id"], ["__count", "score:sum"]
        )
        self.assertEqual(
            {user.id: (count, round(score, 2)) for user, count, score in groups},
            {
                user_id: (
                    len(lines := [line for line in whole if line["to_do_today"] and line["user_id"][0] == user_id]),
                    round(sum(line["score"] for line in lines), 2),
                )
                for user_id in (self.billing.id, self.finance.id)
            },
        )

    def test_a_line_read_by_id_is_the_same(self):
        whole = {line["id"]: line for line in self.whole()}
        some = [line_id for line_id, line in whole.items() if line["partner_id"][0] in self.ids()][:3]
        self.Worklist.invalidate_model()
        read = self.Worklist.with_user(self.billing).browse(some).read(FIELDS)
        self.assertEqual(read, [whole[line_id] for line_id in some])

    def test_the_default_filters_both_apply(self):
        """The action opens on *My Worklist* and *To Do Today*: the web client ORs the filters
        of one group, so they are in two (a separator between them)."""
        arch = self.Worklist.get_views([(False, "search")])["views"]["search"]["arch"]
        groups, current = [], []
        for node in etree.fromstring(arch):
            if node.tag == "filter":
                current.append(node.get("name"))
            elif current:
                groups.append(current)
                current = []
        groups.append(current)
        group_of = {name: index for index, group in enumerate(groups) for name in group}
        self.assertNotEqual(group_of["my_worklist"], group_of["to_do_today"])
        action = self.env.ref("credit_control.credit_collector_worklist_action")
        self.assertIn("search_default_my_worklist", action.context)
        self.assertIn("search_default_to_do_today", action.context)
