"""What an HTML page holds, as JSON, for the report tests (test_report_*.cpp).

Usage: report_html_probe.py FILE. Prints {"title", "tables": [{"id", "headers",
"rows": [{"cells": [...], "hidden": bool}]}], "tags": {tag: count}, "attributes":
[[tag, name, value], ...] (every attribute whose name starts with "on" or whose
value holds "javascript:", plus every href and src), "text": all text}. Reads the
file as UTF-8 and fails when it is not.
"""
import json
import sys
from html.parser import HTMLParser


class Probe(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title, self.in_title = '', False
        self.tables, self.row, self.cell = [], None, None
        self.tags, self.attributes, self.text = {}, [], []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            value = value or ''
            if name.startswith('on') or 'javascript:' in value.lower() or name in ('href', 'src', 'xlink:href'):
                self.attributes.append([tag, name, value])
        if tag == 'title' and not self.tables and self.tags.get('svg', 0) == 0:
            self.in_title = True
        elif tag == 'table':
            self.tables.append({'id': dict(attrs).get('id', ''), 'headers': [], 'rows': []})
        elif tag == 'tr' and self.tables:
            self.row = {'cells': [], 'hidden': 'hidden' in dict(attrs), 'header': False}
        elif tag in ('td', 'th') and self.row is not None:
            self.cell = []
            if tag == 'th':
                self.row['header'] = True

    def handle_endtag(self, tag):
        if tag == 'title':
            self.in_title = False
        elif tag in ('td', 'th') and self.cell is not None and self.row is not None:
            self.row['cells'].append(''.join(self.cell).strip())
            self.cell = None
        elif tag == 'tr' and self.row is not None and self.tables:
            if self.row['header']:
                self.tables[-1]['headers'] = self.row['cells']
            else:
                self.tables[-1]['rows'].append({'cells': self.row['cells'], 'hidden': self.row['hidden']})
            self.row = None

    def handle_data(self, data):
        self.text.append(data)
        if self.in_title:
            self.title += data
        if self.cell is not None:
            self.cell.append(data)


def main():
    with open(sys.argv[1], encoding='utf-8', errors='strict') as page:
        content = page.read()
    probe = Probe()
    probe.feed(content)
    probe.close()
    print(json.dumps({'title': probe.title.strip(), 'tables': probe.tables, 'tags': probe.tags,
                      'attributes': probe.attributes, 'text': ''.join(probe.text)}, ensure_ascii=False))


if __name__ == '__main__':
    main()
