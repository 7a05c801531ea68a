"""Clinical review page: `python -m bot.content.review` writes reports/review.html (`make review`).

One self-contained HTML file (inline CSS, no scripts, no external resources) that a clinician can open, read and
print: every response side by side (Arabic | English) per age group with the intents, rules and stories that
lead to it; the counsellors' canned messages; the safety lexicon per category; the helplines with their sources;
the content check's findings; and a sign-off box. A fingerprint of the content files ties a signature to the
exact version that was read.
"""
from __future__ import annotations

import bot.content.quiet  # noqa: F401  (first: silences TensorFlow's start-up lines)

import argparse
import datetime as dt
import hashlib
import html
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.content.checks.responses import AGE_NAMES, code_references
from bot.content.lint import check_content
from bot.content.model import AGE_GROUPS, Content, Flow, LexiconEntry, Response, Variation
from bot.content.problems import Problem, group_by_file
from bot.content.taxonomy import read_taxonomy
from bot.content.yaml_lines import load_yaml
from bot.settings import PROJECT_ROOT

DEFAULT_OUT = Path("reports") / "review.html"
LEVEL_ORDER = ("imminent", "high", "medium", "low", "none")
_PLACEHOLDER = re.compile(r"(\{[a-z_]+\})")
_CATEGORY_ROW = re.compile(r"^\|\s*`([a-z_]+)`\s*\|\s*(.+?)\s*\|\s*$")


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def rich_text(text: str) -> str:
    """Escaped text with line breaks kept and {placeholders} marked, so reviewers see what gets filled in."""
    escaped = esc(text.strip())
    escaped = _PLACEHOLDER.sub(r'<span class="slot">\1</span>', escaped)
    return escaped.replace("\n", "<br>")


def heading(anchor: str, english: str, arabic: str) -> str:
    """A section title in English with its Arabic title beside it."""
    return f'<h2 id="{anchor}">{esc(english)}<span class="ar-title" lang="ar" dir="rtl">{arabic}</span></h2>'


# ------------------------------------------------------------------------------------------------ lead-ins
@dataclass
class LeadIn:
    """What leads to a response: the intents just before it, the flows that run it, the code that names it."""

    intents: List[str] = field(default_factory=list)
    flows: List[Tuple[Flow, int]] = field(default_factory=list)  # (flow, line of the step)
    code: List[str] = field(default_factory=list)


def _intents_before(flow: Flow, index: int) -> List[str]:
    for step in reversed(flow.steps[:index]):
        if step.kind == "intent":
            return [step.value]
        if step.kind == "or":
            return [value for kind, value in step.value if kind == "intent"]
    return []


def lead_ins(content: Content) -> Dict[str, LeadIn]:
    """For each response name: intents, rules and stories (training ones) and code files that lead to it."""
    found: Dict[str, LeadIn] = defaultdict(LeadIn)
    for flow in content.training_flows():
        for index, step in enumerate(flow.steps):
            if step.kind != "action" or step.value not in content.responses:
                continue
            lead = found[step.value]
            for intent in _intents_before(flow, index):
                if intent not in lead.intents:
                    lead.intents.append(intent)
            if not any(existing is flow for existing, _ in lead.flows):
                lead.flows.append((flow, step.line))
    mentioned_in: Dict[str, List[str]] = _code_mentions(content)
    for name, files in mentioned_in.items():
        if name in content.responses:
            found[name].code.extend(files)
    return found


def _code_mentions(content: Content) -> Dict[str, List[str]]:
    _, _, quoted = code_references(content.root)
    by_name: Dict[str, List[str]] = defaultdict(list)
    for file, _line, name in quoted:
        if file not in by_name[name]:
            by_name[name].append(file)
    return by_name


# ------------------------------------------------------------------------------------------------ sections
def _cell(variations: List[Variation], language: str) -> str:
    if not variations:
        return f'<td class="missing" {_dir(language)}>{"لا يوجد نص" if language == "ar" else "missing"}</td>'
    parts = []
    for variation in variations:
        extra = {k: v for k, v in variation.conditions.items() if k not in ("language", "age_group")}
        note = ""
        if extra:
            conditions = ", ".join(f"{esc(k)} = {esc(v)}" for k, v in extra.items())
            note = f'<div class="cond">only when {conditions}</div>'
        buttons = "".join(f'<span class="button">{esc(b.get("title", ""))}</span>' for b in variation.buttons)
        buttons = f'<div class="buttons">{buttons}</div>' if buttons else ""
        parts.append(f'<div class="variation">{note}{rich_text(variation.text)}{buttons}'
                     f'<div class="where">{esc(variation.file)}:{variation.line}</div></div>')
    return f"<td {_dir(language)}>{''.join(parts)}</td>"


def _dir(language: str) -> str:
    return 'dir="rtl" lang="ar" class="ar"' if language == "ar" else 'dir="ltr" lang="en"'


def _response_rows(response: Response) -> List[str]:
    groups: List[Tuple[str, Optional[str]]] = [("Any age (age unknown)", None)]
    if any(v.age_group for v in response.variations):
        groups += [(f"{AGE_NAMES[g]} ({g})", g) for g in AGE_GROUPS]
    else:
        groups = [("All ages", None)]
    rows = []
    for label, group in groups:
        def matching(language: str) -> List[Variation]:
            return [v for v in response.variations if v.language == language
                    and (v.age_group == group or (group is None and v.age_group == "unknown"))]
        rows.append(f'<tr><th scope="row">{esc(label)}</th>{_cell(matching("ar"), "ar")}'
                    f'{_cell(matching("en"), "en")}</tr>')
    return rows


def responses_section(content: Content) -> str:
    leads = lead_ins(content)
    blocks = []
    for name, response in content.responses.items():  # domain order: the editors' own grouping
        lead = leads.get(name, LeadIn())
        intents = "".join(f'<span class="chip">{esc(i)}</span>' for i in lead.intents) or "<em>none</em>"
        flows = "".join(
            f"<li>{esc(flow.kind)} “{esc(flow.name)}” <span class=\"where\">{esc(flow.file)}:{line}</span></li>"
            for flow, line in lead.flows
        )
        code = "".join(f'<li>named in code <span class="where">{esc(f)}</span></li>' for f in lead.code)
        unused = "" if (flows or code) else '<p class="warn">No rule, story or action leads here.</p>'
        blocks.append(
            f'<section class="response" id="r-{esc(name)}"><h3>{esc(name)} '
            f'<span class="where">{esc(response.file)}:{response.line}</span></h3>'
            f'<div class="leads"><div><b>After the child says (intent):</b> {intents}</div>'
            f"<div><b>Used in:</b><ul>{flows}{code}</ul>{unused}</div></div>"
            '<table class="side"><thead><tr><th class="age">Age group</th><th dir="rtl" lang="ar">العربية</th>'
            f'<th>English</th></tr></thead><tbody>{"".join(_response_rows(response))}</tbody></table></section>'
        )
    toc = " · ".join(f'<a href="#r-{esc(n)}">{esc(n)}</a>' for n in content.responses)
    return (heading("responses", f"1. Responses ({len(content.responses)})", "الردود")
            + '<p>Each response as the child sees it, in Arabic and English, for each age group. '
            '<span class="slot">{slots}</span> are filled in when the message is sent (for example the helpline '
            f'numbers of the child\'s country).</p><p class="toc">{toc}</p>{"".join(blocks)}')


def canned_section(root: Path) -> str:
    path = root / "data" / "console" / "canned_responses.yml"
    if not path.exists():
        return ""
    data, problem = load_yaml(path, "data/console/canned_responses.yml")
    if problem or not isinstance(data, dict):
        return CANNED_HEADING + '<p class="warn">The file data/console/canned_responses.yml cannot be read.</p>'
    rows = []
    for item in data.get("resources") or []:
        if not isinstance(item, dict):
            continue
        title, text = item.get("title") or {}, item.get("text") or {}
        rows.append(
            f'<tr><th scope="row">{esc(item.get("id", ""))}<div class="where">{esc(title.get("en", ""))}</div>'
            f'<div class="where" dir="rtl" lang="ar">{esc(title.get("ar", ""))}</div></th>'
            f'<td {_dir("ar")}>{rich_text(str(text.get("ar", "")))}</td>'
            f'<td>{rich_text(str(text.get("en", "")))}</td></tr>'
        )
    return (CANNED_HEADING + '<p>Messages a counsellor can insert, adapt and '
            'send (data/console/canned_responses.yml).</p><table class="side"><thead><tr><th class="age">Message'
            f'</th><th dir="rtl" lang="ar">العربية</th><th>English</th></tr></thead><tbody>{"".join(rows)}'
            "</tbody></table>")


def _category_descriptions(root: Path) -> Dict[str, str]:
    path = root / "docs" / "risk-taxonomy.md"
    if not path.exists():
        path = PROJECT_ROOT / "docs" / "risk-taxonomy.md"
    descriptions = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _CATEGORY_ROW.match(line.strip())
        if match:
            descriptions.setdefault(match.group(1), match.group(2))
    return descriptions


def _examples_html(entry: LexiconEntry) -> str:
    return "".join(f'<li dir="auto">{esc(e)}</li>' for e in entry.examples) or "<li><em>none</em></li>"


def lexicon_section(content: Content) -> str:
    taxonomy = read_taxonomy(content.root)
    descriptions = _category_descriptions(content.root)
    by_category: Dict[str, List[LexiconEntry]] = defaultdict(list)
    for entry in content.lexicon:
        by_category[entry.category or "(no category)"].append(entry)
    order = [c for c in taxonomy.categories if c in by_category] + sorted(set(by_category) - set(taxonomy.categories))
    blocks = []
    for category in order:
        entries = sorted(by_category[category], key=lambda e: (LEVEL_ORDER.index(e.level) if e.level in
                                                                 LEVEL_ORDER else 9, e.language or "", e.pattern))
        counts = ", ".join(f"{sum(1 for e in entries if e.level == level)} {level}" for level in LEVEL_ORDER
                           if any(e.level == level for e in entries))
        rows = "".join(
            f'<tr><td class="pattern" dir="auto">{esc(e.pattern)}</td>'
            f'<td><span class="level {esc(e.level)}">{esc(e.level)}</span></td><td>{esc(e.language)}</td>'
            f'<td><ul class="examples">{_examples_html(e)}</ul></td>'
            f'<td class="where">{esc(e.file)}:{e.line}</td></tr>'
            for e in entries
        )
        blocks.append(
            f'<section><h3 id="l-{esc(category)}">{esc(category)} <span class="where">{len(entries)} entries: '
            f'{esc(counts)}</span></h3><p class="covers">{esc(descriptions.get(category, ""))}</p>'
            '<table class="lexicon"><colgroup><col class="c-pattern"><col class="c-level"><col class="c-lang">'
            '<col class="c-examples"><col class="c-where"></colgroup>'
            '<thead><tr><th>Pattern</th><th>Level</th><th>Language</th><th>Examples it '
            f"must catch</th><th>Where</th></tr></thead><tbody>{rows}</tbody></table></section>"
        )
    return (heading("lexicon", f"3. Safety lexicon ({len(content.lexicon)} entries)", "قاموس السلامة")
            + '<p>Words and phrases that '
            "raise a message's risk level, per category of docs/risk-taxonomy.md. In a pattern, * means any "
            "letters, {a|b} either spelling, [..] optional words, ... a few words in between, @name a shared word "
            f"list (data/safety/README.md).</p>{''.join(blocks) or '<p class=warn>The lexicon is empty.</p>'}")


def helplines_section(content: Content) -> str:
    rows = []
    for helpline in content.helplines:
        source = (f'<a href="{esc(helpline.source)}">{esc(helpline.source)}</a>' if helpline.source
                  else '<span class="missing">no source</span>')
        kind = "child helpline" if helpline.kind == "child_helplines" else "emergency"
        flag = ' class="recheck"' if helpline.source_kind in ("news", "directory") else ""
        rows.append(
            f"<tr><td>{esc(helpline.country)}</td><td>{esc(helpline.name_en)}"
            f'<div dir="rtl" lang="ar" class="ar">{esc(helpline.name_ar)}</div></td><td>{esc(kind)}</td>'
            f'<td class="number">{esc(helpline.number)}</td><td class="source">{source}</td>'
            f'<td{flag}>{esc(helpline.source_kind)}</td><td class="nowrap">{esc(helpline.verified_on)}</td></tr>'
        )
    return (heading("helplines", "4. Helplines", "خطوط المساندة")
            + '<p>Every number the assistant can give a child, with the page it '
            'was read from. Sources of kind <span class="recheck">news</span> or <span class="recheck">directory'
            "</span> should be re-checked against the service's official site.</p>"
            '<table class="helplines"><thead><tr><th>Country</th><th>Service</th><th>Kind</th><th>Number</th>'
            f'<th>Source</th><th>Source kind</th><th>Verified on</th></tr></thead><tbody>{"".join(rows)}'
            "</tbody></table>")


def problems_section(problems: List[Problem]) -> str:
    errors = sum(1 for p in problems if p.is_error)
    if not problems:
        return (CHECK_HEADING + '<p class="ok">The content check (make validate) found no '
                "problems.</p>")
    open_attribute = " open" if len(problems) <= 30 else ""  # a long list starts folded
    items = []
    for file, file_problems in group_by_file(problems).items():
        entries = "".join(
            f"<li><b>line {p.line or '-'}</b>: {esc(p.message)}<br><i>What to do:</i> {esc(p.hint)}</li>"
            for p in file_problems
        )
        items.append(f"<li><b>{esc(file)}</b><ul>{entries}</ul></li>")
    return (CHECK_HEADING + f'<p class="warn">The content check (make validate) found {errors} '
            f"error(s) and {len(problems) - errors} warning(s). Content with errors should not be signed off.</p>"
            f"<details{open_attribute}><summary>Show the problems</summary><ul>{''.join(items)}</ul></details>")


CHECK_HEADING = heading("check", "Content check", "فحص المحتوى")
CANNED_HEADING = heading("canned", "2. Counsellors' ready-made messages", "رسائل المرشدين الجاهزة")

SIGN_OFF = """
<h2 id="signoff">5. Clinical sign-off<span class="ar-title" lang="ar" dir="rtl">الاعتماد السريري</span></h2>
<div class="signoff">
<p>I have read the content of this page (fingerprint <b>{fingerprint}</b>) in both languages.</p>
<ul class="checks">
<li>☐ Every response is accurate, kind and appropriate for each age group, in Arabic and in English.</li>
<li>☐ Safety messages give the right numbers and tell the child plainly what to do.</li>
<li>☐ The safety lexicon's categories and levels match docs/risk-taxonomy.md.</li>
<li>☐ The helpline numbers have trustworthy sources.</li>
</ul>
<p>Decision: ☐ Approved &nbsp;&nbsp; ☐ Approved with changes listed below &nbsp;&nbsp; ☐ Changes needed</p>
<div class="fields">
<div><span>Name</span></div><div><span>Role / licence</span></div>
<div><span>Date</span></div><div><span>Signature</span></div>
</div>
<div class="comments"><span>Comments / changes requested</span></div>
</div>
"""

CSS = """
body{font-family:"DejaVu Sans","Noto Sans","Noto Naskh Arabic",Arial,sans-serif;margin:24px;color:#1b1b1b;
line-height:1.45;font-size:14px}
h1{font-size:24px;margin:0 0 4px}
h2{border-bottom:3px solid #2b6cb0;padding-bottom:4px;margin-top:36px}
h3{margin:22px 0 6px;font-size:16px}
.where{color:#666;font-size:11px;font-weight:normal}
.meta{color:#444}
.toc{font-size:12px;line-height:1.8}
.toc a{color:#2b6cb0}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid #c8ccd2;padding:6px 8px;
vertical-align:top;text-align:start}
thead th{background:#edf2f7}
table.side th.age{width:14%}
table.side td{width:43%}
tbody th{background:#f7fafc;font-weight:600;font-size:13px}
.ar{font-size:16px;line-height:1.7}
td.missing,.missing{background:#fff5f5;color:#c53030;font-weight:600}
.slot{background:#fefcbf;border-radius:3px;padding:0 2px;font-family:"DejaVu Sans Mono",monospace;font-size:12px}
.chip{display:inline-block;background:#e6fffa;border:1px solid #81e6d9;border-radius:10px;padding:0 8px;
margin:1px 3px;font-size:12px}
.leads{display:flex;gap:24px;font-size:13px}
.leads ul{margin:2px 0;padding-left:18px}
.button{display:inline-block;border:1px solid #2b6cb0;color:#2b6cb0;border-radius:12px;
padding:0 8px;margin:4px 4px 0 0;font-size:12px}
.variation+.variation{border-top:1px dashed #ccc;margin-top:6px;padding-top:6px}
.cond{font-size:11px;color:#805ad5}
.warn{color:#c05621;font-weight:600}
.ok{color:#2f855a;font-weight:600}
.pattern{font-family:"DejaVu Sans Mono",monospace;font-size:13px}
ul.examples{margin:0;padding:0;list-style:none}
ul.examples li+li{border-top:1px dotted #ddd}
.level{border-radius:3px;padding:1px 6px;font-size:12px;color:#fff}
.level.imminent{background:#9b2c2c}
.level.high{background:#c53030}
.level.medium{background:#dd6b20}
.level.low{background:#718096}
.covers{font-size:12px;color:#555;margin:0 0 4px}
.number{font-weight:700;font-size:15px}
.source{overflow-wrap:anywhere;font-size:12px}
td.where{overflow-wrap:anywhere}
.number,.nowrap,.level{white-space:nowrap}
table.lexicon{table-layout:fixed}
table.lexicon .pattern{overflow-wrap:anywhere}
table.lexicon col.c-pattern{width:40%}
table.lexicon col.c-level{width:9%}
table.lexicon col.c-lang{width:8%}
table.lexicon col.c-examples{width:31%}
table.lexicon col.c-where{width:12%}
h2 .ar-title{font-weight:normal;color:#2b6cb0;margin-left:16px;display:inline-block}
.recheck{background:#fffaf0;color:#c05621}
.signoff{border:2px solid #2b6cb0;border-radius:6px;padding:14px 18px;page-break-inside:avoid}
.checks{list-style:none;padding-left:0}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:14px 28px;margin-top:14px}
.fields div,.comments{border-bottom:1px solid #333;height:38px;position:relative}
.fields span,.comments span{position:absolute;top:0;font-size:11px;color:#555}
.comments{height:110px;border:1px solid #333;margin-top:18px}
.comments span{left:6px;top:4px}
details{margin:6px 0}
summary{cursor:pointer;font-weight:600}
@media print{body{margin:10mm;font-size:11px} h2{page-break-before:auto} section{page-break-inside:avoid}
details{display:block} a{color:inherit;text-decoration:none}}
"""


def fingerprint(root: Path) -> str:
    """A short hash of every content file, so a signature names the exact version reviewed."""
    digest = hashlib.sha256()
    files = [root / "domain.yml", root / "docs" / "risk-taxonomy.md"]
    if (root / "data").is_dir():
        files += sorted(p for p in (root / "data").rglob("*") if p.suffix in (".yml", ".yaml"))
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def build_page(content: Content, problems: List[Problem], generated: Optional[dt.datetime] = None) -> str:
    """The whole review page as one HTML string."""
    generated = generated or dt.datetime.now()
    content_fingerprint = fingerprint(content.root)
    nav = ('<p class="toc"><a href="#check">Content check</a> · <a href="#responses">1. Responses</a> · '
           '<a href="#canned">2. Counsellors\' messages</a> · <a href="#lexicon">3. Safety lexicon</a> · '
           '<a href="#helplines">4. Helplines</a> · <a href="#signoff">5. Sign-off</a></p>')
    body = "".join([
        "<h1>Content review — child helpline assistant</h1>",
        f'<p class="meta">Generated {esc(generated.strftime("%Y-%m-%d %H:%M"))} · content fingerprint '
        f"<b>{content_fingerprint}</b> · {len(content.responses)} responses, {len(content.lexicon)} lexicon entries, "
        f"{len(content.helplines)} helpline numbers. Regenerate with <code>make review</code>.</p>",
        nav,
        problems_section(problems),
        responses_section(content),
        canned_section(content.root),
        lexicon_section(content),
        helplines_section(content),
        SIGN_OFF.format(fingerprint=content_fingerprint),
    ])
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Content review</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
            f"<body>{body}</body></html>\n")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.content.review",
                                     description="Write the clinical review page (reports/review.html).")
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help="project folder (default: this project)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the page (default: reports/review.html)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out = args.out or (root / DEFAULT_OUT)
    content = Content.load(root)
    problems = check_content(content)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(build_page(content, problems), encoding="utf-8")
    errors = sum(1 for p in problems if p.is_error)
    print(f"{out}: review page written ({len(content.responses)} responses, {len(content.lexicon)} lexicon "
          f"entries, {len(content.helplines)} helpline numbers).")
    print(f"Open it in a web browser: file://{out.resolve()}")
    if errors:
        print(f"Note: the content check found {errors} error(s); they are listed at the top of the page. "
              "What to do: fix them (run `make validate` for details) before asking for sign-off.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
