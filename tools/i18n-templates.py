#!/usr/bin/env python3
"""Prints a .pot of the translatable texts of Mustache templates: each
{{#_}}text{{/_}} (render/tpl.h), its msgid written exactly as the engine
builds it (the text, with each {{name}} tag as {{name}}).
Usage: tools/i18n-templates.py templates/*.mustache > t.pot"""
import re
import sys

SECTION = re.compile(r"\{\{#\s*_\s*\}\}(.*?)\{\{/\s*_\s*\}\}", re.S)
TAG = re.compile(r"\{\{\s*([^}\s]+)\s*\}\}")


def po_string(s):
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"%s"' % s


def main(paths):
    seen = {}
    order = []
    for path in paths:
        text = open(path, encoding="utf-8").read()
        for m in SECTION.finditer(text):
            msgid = TAG.sub(lambda t: "{{%s}}" % t.group(1), m.group(1))
            line = text.count("\n", 0, m.start()) + 1
            if msgid not in seen:
                seen[msgid] = []
                order.append(msgid)
            if path not in seen[msgid]:
                seen[msgid].append(path)
            del line
    out = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for msgid in order:
        out.append("#: " + " ".join(seen[msgid]))
        out.append("msgid " + po_string(msgid))
        out.append('msgstr ""')
        out.append("")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1:])
