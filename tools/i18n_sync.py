"""Write each addon's exported .pot into the addon and rebuild its fr.po from it, keeping
the French already translated (by context and source text). The export reads a database
without demo data: the terms of the addon's demo records are kept from the files."""

import ast
import re
import sys
from pathlib import Path

import polib


def demo_ids(addon_dir):
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text(encoding="utf-8"))
    ids = set()
    for name in manifest.get("demo", []):
        ids.update(re.findall(r'\bid="([\w.]+)"', (addon_dir / name).read_text(encoding="utf-8")))
    return {xml_id.split(".")[-1] for xml_id in ids}


def of_demo(entry, ids):
    refs = [
        ref.rsplit(".", 1)[-1].removesuffix("_product_template")
        for ref, _line in entry.occurrences
        if not ref.startswith("code:")
    ]
    return bool(refs) and any(ref in ids for ref in refs)


root, exported, addons = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
# A term translated in one addon is translated alike in the others (a bridge's model names).
shared = {}
for addon in addons:
    path = root / addon / "i18n" / "fr.po"
    if path.exists():
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete:
                shared.setdefault((entry.msgctxt, entry.msgid), entry.msgstr)
untranslated = 0
for addon in addons:
    i18n = root / addon / "i18n"
    i18n.mkdir(exist_ok=True)
    template = polib.pofile(str(exported / f"{addon}.pot"))
    fr_path = i18n / "fr.po"
    old = polib.pofile(str(fr_path)) if fr_path.exists() else polib.POFile()
    french = {(e.msgctxt, e.msgid): e.msgstr for e in old if e.msgstr and not e.obsolete}
    exported_keys = {(e.msgctxt, e.msgid) for e in template}
    ids = demo_ids(root / addon)
    for entry in old:
        if (entry.msgctxt, entry.msgid) not in exported_keys and of_demo(entry, ids):
            template.append(
                polib.POEntry(
                    msgid=entry.msgid,
                    msgctxt=entry.msgctxt,
                    occurrences=entry.occurrences,
                    comment=entry.comment,
                    msgstr="",
                )
            )
    template.save(str(i18n / f"{addon}.pot"))
    template.metadata.update({"Language": "fr", "Plural-Forms": "nplurals=2; plural=(n > 1);"})
    for entry in template:
        key = (entry.msgctxt, entry.msgid)
        entry.msgstr = french.get(key) or shared.get(key, "")
        if not entry.msgstr:
            untranslated += 1
            print(f"{addon}: no French for {entry.msgid!r}")
    template.save(str(fr_path))
print(f"{untranslated} term(s) without French")
