#!/usr/bin/env python3
"""formats.py BASE FORMAT: does the FORMAT report of one run lead with the findings
of that run's JSON report (BASE.json), in the same order, with the same status?
Each format's file is BASE plus its suffix (FORMATS below); one dsrcheck run writes
them all: -f json >BASE.json --report text:BASE.txt --report junit:BASE.junit.xml ...
(`formats.py --args BASE` prints those --report arguments, one a line).

What "leads with the findings" means in each format (README, "Findings"):
  text        the "findings:" block comes before the matrix and the checks, one
              "[FAIL] SUMMARY" / "[WARN] SUMMARY" line each
  junit       the first testsuite is "findings", a testcase per finding: name
              SUMMARY, classname dsrcheck.findings.KIND, <failure> when it fails
  prometheus  dsrcheck_findings{kind,server}: a series per kind and server (server
              "" for a finding that names none), counting its findings
  nagios      the status line names the first finding and counts the rest; the
              long output has a "FINDING STATUS SUMMARY" line per finding
  html        <li id="finding-N"> per finding in the findings section: its badge
              and summary, the finding's name in <code>

Prints one line per disagreement (nothing when the format agrees); exit 0 when
it agrees, 1 when not, 2 on a usage error or an unreadable file. Summaries are
compared as the writers print them after escaping: the lab's are plain text."""
import html
import html.parser
import json
import re
import sys
import xml.etree.ElementTree as ET

FORMATS = {
    "text": ".txt",
    "junit": ".junit.xml",
    "prometheus": ".prom",
    "nagios": ".nagios",
    "html": ".html",
}


def headline(f):
    """A finding's summary as text, JUnit, Nagios and HTML print it: with its
    VLAN in front unless the summary names it (dsr_finding_vlan_prefix)."""
    s = f["summary"]
    vlan = f.get("vlan")
    if vlan and f"VLAN {vlan}" not in s:
        s = f"VLAN {vlan}: {s}"
    return s


def want_lines(findings):
    return [f"{f['status'].upper()} {headline(f)}" for f in findings]


def text(path, findings):
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    got, start = [], None
    for i, line in enumerate(lines):
        if line == "findings:" or line == "findings: none":
            start = i
            break
        if line.startswith("matrix:") or line.startswith("service ") or line.startswith("checks "):
            return [f"text: line {i + 1} '{line}' comes before the findings"]
    if start is None:
        return [] if not findings else ["text: no 'findings:' block"]
    for line in lines[start + 1:]:
        if not line:
            break
        m = re.match(r"^  \[(FAIL|WARN)\] (.*)$", line)
        if m:
            got.append(f"{m.group(1)} {m.group(2)}")
    return diff("text", want_lines(findings), got)


def junit(path, findings):
    root = ET.parse(path).getroot()
    suites = root.findall("testsuite")
    if not findings:
        if suites and suites[0].get("name") == "findings":
            return ["junit: a findings testsuite with no findings"]
        return []
    if not suites or suites[0].get("name") != "findings":
        return ["junit: the first testsuite is not 'findings'"]
    got = []
    for case in suites[0].findall("testcase"):
        status = "FAIL" if case.find("failure") is not None else "WARN"
        kind = case.get("classname", "").removeprefix("dsrcheck.findings.")
        got.append(f"{status} {kind} {case.get('name')}")
    want = [f"{f['status'].upper()} {f['kind']} {headline(f)}" for f in findings]
    return diff("junit", want, got)


def prom_label(s):
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def prometheus(path, findings):
    counts = {}
    for f in findings:
        for server in f["servers"] or [""]:
            key = f'dsrcheck_findings{{kind="{prom_label(f["kind"])}",server="{prom_label(server)}"}}'
            counts[key] = counts.get(key, 0) + 1
    want = sorted(f"{k} {n}" for k, n in counts.items())
    got = sorted(
        line for line in open(path, encoding="utf-8").read().split("\n") if line.startswith("dsrcheck_findings{")
    )
    return diff("prometheus", want, got)


def nagios(path, findings):
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    out = []
    status = lines[0].split(" | ")[0] if lines else ""
    if findings:
        more = len(findings) - 1
        first = headline(findings[0])
        tail = f", and {more} more finding{'' if more == 1 else 's'}" if more else ""
        if f": {first}{tail}" not in status:
            out.append(f"nagios: the status line '{status}' does not name '{first}'{tail}")
    elif "FINDING" in status:
        out.append(f"nagios: the status line names a finding: '{status}'")
    got = [line[len("FINDING "):] for line in lines[1:] if line.startswith("FINDING ")]
    return out + diff("nagios", want_lines(findings), got)


class FindingItems(html.parser.HTMLParser):
    """The <li id="finding-N"> of the page: the text of their first <p> (badge
    and summary) and of their first <code> (the finding's name)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items, self.depth, self.part = [], 0, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "li" and re.fullmatch(r"finding-\d+", a.get("id") or ""):
            self.items.append({"head": "", "name": "", "heads": 0, "codes": 0})
            self.depth = 1
            return
        if not self.depth:
            return
        if tag == "li":
            self.depth += 1
        item = self.items[-1]
        if tag == "p" and item["heads"] == 0:
            self.part, item["heads"] = "head", 1
        elif tag == "code" and item["codes"] == 0:
            self.part, item["codes"] = "name", 1

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag in ("p", "code"):
            self.part = None
        elif tag == "li":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and self.part:
            self.items[-1][self.part] += data


def page(path, findings):
    p = FindingItems()
    p.feed(open(path, encoding="utf-8", errors="replace").read())
    got = [f"{it['name']} {html.unescape(it['head']).strip()}" for it in p.items]
    want = [f"{f['kind']} {f['status'].upper()} {headline(f)}" for f in findings]
    return diff("html", want, got)


def diff(fmt, want, got):
    out = []
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else "(none)"
        g = got[i] if i < len(got) else "(none)"
        if w != g:
            out.append(f"{fmt}: finding {i + 1}: want '{w}', got '{g}'")
    return out


CHECKERS = {"text": text, "junit": junit, "prometheus": prometheus, "nagios": nagios, "html": page}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--args":
        for fmt, suffix in FORMATS.items():
            print(f"--report\n{fmt}:{sys.argv[2]}{suffix}")
        return 0
    if len(sys.argv) != 3 or sys.argv[2] not in FORMATS:
        print(f"usage: formats.py BASE {'|'.join(FORMATS)} | formats.py --args BASE", file=sys.stderr)
        return 2
    base, fmt = sys.argv[1], sys.argv[2]
    try:
        findings = json.load(open(base + ".json", encoding="utf-8"))["findings"]
        problems = CHECKERS[fmt](base + FORMATS[fmt], findings)
    except (OSError, ValueError, KeyError, ET.ParseError) as e:
        print(f"formats.py: {base}: {e}", file=sys.stderr)
        return 2
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
