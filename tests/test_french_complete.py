"""French is complete: every term of our addons that Odoo exports for translation (views,
menus, actions, field labels, selection values, messages of the Python code, mail
templates, reports) has its French translation in the addon's fr.po and its msgid in the
.pot, and installing French puts those translations in the database."""

import re
from collections import defaultdict
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

ROOT = Path(__file__).resolve().parent.parent
ADDONS = sorted(path.parent.name for path in ROOT.glob("*/__manifest__.py"))


@tagged("post_install", "-at_install")
class TestFrenchComplete(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.addons = cls.env["ir.module.module"].search([("name", "in", ADDONS), ("state", "=", "installed")])
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(cls.addons.mapped("name"), ["fr_FR"], overwrite=True)

    @staticmethod
    def _xml_files_by_id(addon):
        """Which data file defines each external id, to say where a term comes from."""
        files = {}
        for path in sorted((ROOT / addon).rglob("*.xml")):
            for xml_id in re.findall(r'\bid="([\w.]+)"', path.read_text(encoding="utf-8")):
                files.setdefault(xml_id.split(".")[-1], str(path.relative_to(ROOT)))
        return files

    def _location(self, addon, ttype, name, res_id, xml_files):
        if ttype == "code":
            return name.removeprefix("addons/")
        xml_name = res_id.split(".", 1)[-1]
        if name.startswith(("ir.model.fields", "ir.model,")):
            return f"{addon}/models (field labels, selection values, model names)"
        return xml_files.get(xml_name, f"{addon} ({name})")

    def _pofile(self, addon, filename):
        path = ROOT / addon / "i18n" / filename
        self.assertTrue(path.exists(), f"{path.relative_to(ROOT)} is missing")
        return polib.pofile(str(path))

    def test_every_term_is_translated(self):
        self.assertTrue(self.addons, "our addons are installed")
        missing = defaultdict(set)
        for addon in self.addons.mapped("name"):
            french = {
                entry.msgid: entry.msgstr
                for entry in self._pofile(addon, "fr.po")
                if not entry.obsolete and "fuzzy" not in entry.flags
            }
            template = {entry.msgid for entry in self._pofile(addon, f"{addon}.pot") if not entry.obsolete}
            xml_files = self._xml_files_by_id(addon)
            reader = TranslationModuleReader(self.env.cr, modules=[addon], lang="fr_FR")
            for module, ttype, name, res_id, source, value, _comments in reader:
                if module != addon:
                    continue
                where = self._location(addon, ttype, name, res_id, xml_files)
                if source not in template:
                    missing[where].add(f"not in {addon}.pot: {source!r}")
                expected = french.get(source)
                if not expected:
                    missing[where].add(f"no French in fr.po: {source!r}")
                elif ttype != "code" and (value or source) != expected:
                    missing[where].add(f"French not installed for {res_id} ({name}): {source!r}")
        report = "\n".join(
            f"{where}:\n" + "\n".join(f"    {term}" for term in sorted(terms))
            for where, terms in sorted(missing.items())
        )
        if missing:
            self.fail(f"Terms without their French translation, by file:\n{report}")
