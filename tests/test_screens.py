"""Every screen of the suite opens for every role, with one and with two companies allowed:
each menu's window action (and the wizards that the suite's buttons open), in each of its view
types, loaded with the calls the web client makes (Odoo's web/tests/test_click_everywhere.py,
without the browser). The forms of invoices, orders and customers that the suite extends are
opened too, from Odoo's menus and from the links of the suite's forms."""

import traceback
from datetime import date

from access_common import SUITE, AccessCommon
from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

# Odoo's own screens that the suite extends, opened from Odoo's menus.
EXTENDED_MODELS = ("account.move", "sale.order", "res.partner")
# Followed from the suite's forms, as a click on the link would.
LINKED_MODELS = EXTENDED_MODELS
TAGS = ("many2many_tags", "many2many_tags_avatar", "many2many_avatar_user", "x2many_buttons")


@tagged("post_install", "-at_install")
class TestScreens(AccessCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The Sales app's menu, as sale_management shows it.
        cls.env.ref("sale.sale_menu_root").active = True
        records = cls.records["a"]["own"]
        # Wizards opened by buttons, with the context the button gives.
        cls.button_actions = {
            "credit_control.credit_decision_wizard_action": {
                "default_partner_id": records["res.partner"].id,
                "default_order_id": records["sale.order"].id,
            },
            "credit_control.credit_release_request_action": {"default_order_id": records["sale.order"].id},
            "sales_commission_cash.commission_split_wizard_action": {
                "active_model": "account.move",
                "active_id": records["account.move"].id,
                "active_ids": records["account.move"].ids,
            },
        }

    # ------------------------------------------------------------------
    # What the web client sends
    # ------------------------------------------------------------------
    def _spec(self, node, model, models):
        """The fields specification of a view's arch, as the web client builds it."""
        spec = {}
        fields_info = models[model]["fields"]
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "field":
                spec.update(self._spec(child, model, models))
                continue
            name = child.get("name")
            field = fields_info.get(name)
            if not field:
                continue
            # As web/static/src/model/relational_model/utils.js getFieldsSpec does.
            invisible = child.get("invisible") in ("1", "True")
            subview = next((sub for sub in child if sub.tag in ("list", "kanban")), None)
            if field["type"] == "many2one":
                spec[name] = {"fields": {} if invisible else {"display_name": {}}}
            elif field["type"] in ("one2many", "many2many") and not invisible and subview is not None:
                spec[name] = {"fields": self._spec(subview, field["relation"], models), "limit": 40}
            elif field["type"] in ("one2many", "many2many") and not invisible and child.get("widget") in TAGS:
                spec[name] = {"fields": {"display_name": {}}}
            else:
                spec[name] = {}
        return spec

    def _measures_and_groupbys(self, arch):
        measures = [f"{node.get('name')}:sum" for node in arch.iter("field") if node.get("type") == "measure"]
        groupbys = [
            node.get("name") + (f":{node.get('interval')}" if node.get("interval") else "")
            for node in arch.iter("field")
            if node.get("type") in ("row", "col")
        ]
        return measures or ["__count"], groupbys

    def _eval(self, env, value, extra=None):
        if not value or not isinstance(value, str):
            return value or {}
        context = {
            "uid": env.uid,
            "user": env.user,
            "allowed_company_ids": env.companies.ids,
            "current_company_id": env.company.id,
            "context_today": date.today,
            **(extra or {}),
        }
        return safe_eval(value, context)

    # ------------------------------------------------------------------
    # Opening the screens
    # ------------------------------------------------------------------
    def _open_action(self, env, action_id, extra_context=None):
        """Open a window action in each of its view types; return the errors."""
        action = env["ir.actions.act_window"].sudo().browse(action_id)._get_action_dict()
        return self._open_action_dict(env, action, extra_context)

    def _open_action_dict(self, env, action, extra_context=None):
        context = {**env.context, **self._eval(env, action.get("context"), extra_context), **(extra_context or {})}
        env = env(context=context)
        Model = env[action["res_model"]]
        domain = self._eval(env, action.get("domain")) or []
        views = [(view_id, view_type) for view_id, view_type in action["views"]]
        if not any(view_type == "search" for _v, view_type in views):
            views.append((action.get("search_view_id") and action["search_view_id"][0], "search"))
        loaded = Model.get_views(views, {"load_filters": True, "toolbar": True})
        records = Model.browse()
        for _view_id, view_type in views:
            if view_type == "search":
                continue
            arch = etree.fromstring(loaded["views"][view_type]["arch"])
            spec = self._spec(arch, Model._name, loaded["models"])
            if view_type in ("list", "kanban", "calendar"):
                for attr in ("date_start", "date_stop", "color"):
                    if arch.get(attr):
                        spec[arch.get(attr)] = {}
                found = Model.web_search_read(domain, spec, limit=80)
                records |= Model.browse([row["id"] for row in found["records"]])
            elif view_type in ("pivot", "graph"):
                measures, groupbys = self._measures_and_groupbys(arch)
                Model.read_group(domain, measures, groupbys[:1], lazy=False)
            elif view_type == "form":
                self._open_form(Model, arch, spec, records or Model.search(domain, limit=1), action)
        return records

    def _open_form(self, Model, arch, spec, records, action=None):
        if records:
            values = Model.browse(records[:1].id).web_read(spec)[0]
            self._follow_links(Model, spec, values)
        creatable = arch.get("create") not in ("0", "false", "False")
        if creatable and Model.has_access("create"):
            Model.onchange({}, [], spec)

    def _follow_links(self, Model, spec, values):
        """Open the invoices, orders and customers the form links to."""
        if Model._module not in SUITE:
            return
        for name in spec:
            field = Model._fields[name]
            if field.type == "many2one" and field.comodel_name in LINKED_MODELS and values.get(name):
                Linked = Model.env[field.comodel_name]
                loaded = Linked.get_views([(False, "form")])
                arch = etree.fromstring(loaded["views"]["form"]["arch"])
                linked_spec = self._spec(arch, Linked._name, loaded["models"])
                Linked.browse(values[name]["id"]).web_read(linked_spec)

    def _crawl(self, user, companies):
        env = self.env(user=user, context={"allowed_company_ids": companies.ids, "lang": "en_US"}, su=False)
        # The backend is closed to portal and public users: no menu at all.
        menus = env["ir.ui.menu"].load_menus(debug=False) if user._is_internal() else {}
        data = self.env["ir.model.data"].sudo()
        suite_menus = set(data.search([("model", "=", "ir.ui.menu"), ("module", "in", SUITE)]).mapped("res_id"))
        actions = {}
        for menu_id, menu in menus.items():
            model, _sep, action_id = (menu.get("action") or "").partition(",")
            if model != "ir.actions.act_window":  # server actions run things: not a screen
                continue
            res_model = self.env[model].browse(int(action_id)).res_model
            if menu_id in suite_menus or res_model in EXTENDED_MODELS:
                actions[int(action_id)] = f"menu {menu['name']} ({res_model})"
        errors = []
        for action_id, label in actions.items():
            errors += self._try(env, label, self._open_action, env, action_id)
        for xmlid, context in self.button_actions.items():
            action = self.env.ref(xmlid)
            if env[action.res_model].has_access("create"):
                errors += self._try(env, xmlid, self._open_action, env, action.id, context)
        if env["credit.cockpit"].has_access("read"):
            errors += self._try(env, "cash cockpit figures", self._open_cockpit_figures, env)
        return errors, actions

    def _open_cockpit_figures(self, env):
        """Each figure of the cash cockpit that the user sees opens the records behind it."""
        arch = etree.fromstring(env["credit.cockpit"].get_views([(False, "kanban")])["views"]["kanban"]["arch"])
        buttons = [node.get("name") for node in arch.iter("button") if node.get("type") == "object"]
        self.assertGreater(len(buttons), 8)
        for cockpit in env["credit.cockpit"].search([]):
            for name in buttons:
                action = getattr(cockpit, name)()
                self._open_action_dict(env(context={**env.context, **action.get("context", {})}), action)

    def _try(self, env, label, method, *args):
        # Each request of the web client starts with an empty cache: nothing read as another user.
        env.invalidate_all()
        try:
            with env.cr.savepoint():
                method(*args)
        except Exception as error:  # every error is a screen that does not open
            trace = traceback.format_exc(limit=-12)
            return [
                f"{env.user.login} {env.companies.mapped('name')}: {label}: {type(error).__name__}: {error}\n{trace}"
            ]
        return []

    def test_every_screen_opens_for_every_role(self):
        errors = []
        opened = {}
        for role, user in self.users.items():
            errors_a, actions = self._crawl(user, self.company_a)
            errors += errors_a
            opened[role] = len(actions)
            user.company_ids |= self.company_b
            errors += self._crawl(user, self.company_a | self.company_b)[0]
        self.assertFalse(errors, "\n".join(errors))
        # The crawl saw the screens of each role's menus.
        self.assertGreater(opened["finance"], 15)
        self.assertGreater(opened["salesperson"], 5)
        self.assertGreater(opened["department"], 1)
        self.assertEqual(opened["portal"], 0)
        self.assertEqual(opened["public"], 0)
