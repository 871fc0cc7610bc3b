// The page: questions go to /api/ask and /api/compare; everything from a report is set as text (never as HTML).
// Every view is a URL (/?q=…, /?q=…&view=compare, /?view=report&file=…), so links can be shared and Back works;
// only the newest request may draw: an older response arriving late is dropped.
"use strict";
const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

// ---------------------------------------------------------------- text with marks, Markdown shown as formatting

// Append text[from:to] to parent, wrapping the parts inside any of `spans` ([start, end, class], offsets into the
// whole text) in <mark>.
function appendMarked(parent, text, from, to, spans) {
  let pos = from;
  for (const [s, e, cls] of spans) {
    const a = Math.max(s, pos), b = Math.min(e, to);
    if (b <= a) continue;
    if (a > pos) parent.appendChild(document.createTextNode(text.slice(pos, a)));
    parent.appendChild(el("mark", text.slice(a, b), cls));
    pos = b;
  }
  if (pos < to) parent.appendChild(document.createTextNode(text.slice(pos, to)));
}

// Inline Markdown (**bold**) inside text[from:to]: the markers are left out, the rest keeps its offsets.
function appendInline(parent, text, from, to, spans) {
  let pos = from, bold = null;
  const re = /\*\*/g;
  re.lastIndex = from;
  let m;
  while ((m = re.exec(text)) && m.index < to) {
    const target = bold || parent;
    appendMarked(target, text, pos, m.index, spans);
    if (bold) { parent.appendChild(bold); bold = null; } else { bold = el("strong"); }
    pos = m.index + 2;
  }
  appendMarked(bold || parent, text, pos, to, spans);
  if (bold) parent.appendChild(bold);
}

// A passage, sentence or report paragraph: Markdown headings, list items, table rows and rules are shown as such,
// never as their raw marks; `spans` mark the answer and the question's words by offsets into `text`.
function renderText(parent, text, spans) {
  spans = (spans || []).slice().sort((x, y) => x[0] - y[0]);
  let start = 0;
  for (const line of text.split("\n")) {
    const end = start + line.length;
    const trimmed = line.trim();
    if (/^\|?\s*:?-{3,}/.test(trimmed) && /^[\s|:-]+$/.test(trimmed)) { start = end + 1; continue; }  // |---|---|
    if (/^(-{3,}|\*{3,})$/.test(trimmed)) { start = end + 1; continue; }  // a rule
    let box;
    if (trimmed.startsWith("|")) {  // a table row: its cells side by side
      box = el("div", undefined, "md-row");
      const re = /[^|]+/g;
      let m;
      while ((m = re.exec(line))) {
        if (!m[0].trim()) continue;
        const cell = el("span", undefined, "md-cell");
        appendInline(cell, text, start + m.index, start + m.index + m[0].length, spans);
        box.appendChild(cell);
      }
    } else {
      const h = /^(#{1,6})\s+/.exec(line);
      const item = /^\s*([-*+])\s+/.exec(line);
      box = el(h ? "strong" : "div", undefined, h ? "md-h" : item ? "md-li" : "md-p");
      const skip = h ? h[0].length : item ? item[0].length : 0;
      if (item) box.appendChild(document.createTextNode("• "));
      appendInline(box, text, start + skip, end, spans);
    }
    if (box.childNodes.length) parent.appendChild(box);
    start = end + 1;
  }
}

// A heading or table header as one line of plain text: no Markdown marks, cells joined by ·.
function plain(text) {
  return text.replace(/\*\*/g, "").replace(/^#+\s*/, "").split("|").map((x) => x.trim()).filter(Boolean).join(" · ");
}

function wordSpans(text, words) {
  const spans = [];
  for (const w of words || []) {
    if (w.length < 2) continue;
    for (let i = text.indexOf(w); i >= 0; i = text.indexOf(w, i + w.length)) spans.push([i, i + w.length, "q"]);
  }
  return spans;
}

// ---------------------------------------------------------------- requests: only the newest one draws

let current = 0, controller = null;

function begin(message) {
  if (controller) controller.abort();
  controller = new AbortController();
  say(message);
  return ++current;
}

const ERRORS = { 400: "问题无效", 404: "找不到", 413: "问题太长（最多 1000 字）", 421: "这个地址不提供服务",
  503: "还没有索引：请先运行 ruralqa index" };

async function getJSON(url) {
  const r = await fetch(url, { signal: controller ? controller.signal : undefined });
  const body = await r.json();
  if (!r.ok) throw new Error((ERRORS[r.status] || "出错了") + "（" + (body.error || "HTTP " + r.status) + "）");
  return body;
}

// The server's notices (English on the command line), as the page says them.
const NOTICES = [
  [/the question was cut to its first (\d+) of (\d+) characters/, "问题过长：只用了前 $1 字（共 $2 字）"],
  [/the index has no reports of (.+?); places: (.+)/, "索引中没有“$1”的报告；可选地区：$2"],
  [/(\d+) passages of other years, or of no known year, left out/, "已排除 $1 段其他年份或年份不明的段落"],
  [/was not UTF-8/, "问题不是 UTF-8 编码，已按 GBK 读取"],
];

function notice(text) {
  for (const [re, zh] of NOTICES) if (re.test(text)) return text.replace(re, zh);
  return text;
}

// The status line is a live region: each result is announced, never just emptied.
function say(message) { $("status").textContent = message; }

function failed(token, err) {
  if (token !== current || err.name === "AbortError") return;
  say("出错了：" + err.message);
}

// ---------------------------------------------------------------- views

const VIEWS = ["intro", "answer", "notfound", "compare", "report", "passages-box"];

function show(...ids) {
  for (const v of VIEWS) $(v).hidden = !ids.includes(v);
}

function setTitle(text) { document.title = text ? text + " · ruralqa" : "ruralqa · 乡村振兴报告问答"; }

function citeLabel(c) {
  const parts = [c.title || c.file, c.file];
  if (c.row) parts.push("第" + c.row + "行");
  if (c.page) parts.push("第" + c.page + "页");
  parts.push("¶" + c.paragraph, "字符 " + c.char_start + ":" + c.char_end);
  return parts.join(" · ");
}

function reportHref(c, q) {
  const p = new URLSearchParams({ view: "report", file: c.file, start: c.char_start, end: c.char_end });
  if (c.row) p.set("row", c.row);
  if (q) p.set("q", q);
  return "/?" + p.toString();
}

function filterParams(p, place, year) {
  if (place) p.set("place", place);
  if (year) p.set("year", year);
  return p;
}

const FORMS = { figure: "数值", name: "名称", sentence: "原句" };
const QUALIFIERS = { bound: "界限（以上/以下/约）", sustained: "多年保持的水平", change: "变化量", average: "年均",
  cumulative: "累计", share: "占比", range: "区间" };

async function ask(q, place, year) {
  const token = begin("正在查找…");
  const p = filterParams(new URLSearchParams({ q: q, k: "5" }), place, year);
  let out;
  try { out = await getJSON("/api/ask?" + p.toString()); } catch (err) { failed(token, err); return; }
  if (token !== current) return;  // a newer question was asked meanwhile
  setTitle(q);
  const notes = (out.notices || []).map(notice);
  const a = out.answer;
  $("answer-json").href = "/api/ask?" + p.toString();
  if (a) {
    renderAnswer(out, a, q);
    show("answer", "passages-box");
  } else {
    show("notfound", "passages-box");
  }
  renderPassages(out, a, q);
  say((a ? "找到答案：" + (a.form === "sentence" ? "见原句" : (a.shown || a.text)) : "报告中未找到") +
      (notes.length ? "。" + notes.join("；") : ""));
}

function renderAnswer(out, a, q) {
  const value = $("answer-text");
  value.textContent = "";
  $("answer").classList.toggle("as-sentence", a.form === "sentence");
  $("answer-form").textContent = FORMS[a.form] || "数值";
  $("answer-confidence").textContent = "把握 " + Math.round(100 * a.confidence) + "%";
  const per = $("answer-places");
  per.textContent = "";
  if ((out.per_place || []).length) {
    for (const row of out.per_place) {
      const li = el("li");
      li.append(el("span", row.place + "：", "place"));
      if (row.answer) {
        const link = el("a", row.answer.shown || row.answer.text);
        link.href = reportHref(row.answer.sentence_citation, q);
        li.append(link, el("span", " " + (row.answer.metric || ""), "meta"));
      } else li.append(el("span", "报告中未找到", "meta"));
      per.appendChild(li);
    }
  }
  if (a.form === "sentence") {
    renderText(value, a.sentence, []);
  } else {
    value.textContent = a.shown || a.text;
  }
  const norm = a.value !== null && a.unit && (String(a.value) + a.unit) !== a.text ? "= " + a.value + " " + a.unit : "";
  $("answer-norm").textContent = [QUALIFIERS[a.qualifier] || "", a.metric ? "指标：" + a.metric : "", norm]
    .filter(Boolean).join(" · ");
  const s = $("answer-sentence");
  s.textContent = "";
  s.hidden = a.form === "sentence";
  const off = a.citation.char_start - a.sentence_citation.char_start;
  renderText(s, a.sentence, [[off, off + (a.citation.char_end - a.citation.char_start), ""]]);
  const meta = [a.place, a.year ? a.year + "年" : "", a.kind === "target" ? "目标" : a.kind === "achieved" ? "实绩" : ""];
  $("answer-meta").textContent = meta.filter(Boolean).join(" · ") + " · " + citeLabel(a.citation);
  $("answer-cite").href = reportHref(a.form === "sentence" ? a.sentence_citation : a.citation, q);
}

function renderPassages(out, a, q) {
  const list = $("passages");
  list.textContent = "";
  for (const h of out.passages) {
    const li = el("li");
    const where = [h.section, h.heading && h.heading !== h.section ? h.heading : ""].filter(Boolean).map(plain)
      .join(" › ");
    if (where) li.appendChild(el("div", where, "where"));  // which section (and table columns) the passage is in
    const text = el("div", undefined, "passage");
    const spans = wordSpans(h.text, out.terms);
    if (a && a.citation.file === h.citation.file && a.citation.char_start >= h.citation.char_start &&
        a.citation.char_end <= h.citation.char_end) {
      spans.push([a.citation.char_start - h.citation.char_start, a.citation.char_end - h.citation.char_start, ""]);
    }
    renderText(text, h.text, spans.sort((x, y) => x[0] - y[0] || (x[2] === "" ? -1 : 1)).filter(
      (s, i, all) => i === 0 || s[0] >= all[i - 1][1]));
    const cite = el("a", citeLabel(h.citation), "meta");
    cite.href = reportHref(h.citation, q);
    li.append(text, cite);
    list.appendChild(li);
  }
}

async function compareView(q, place, year) {
  const token = begin("正在对比…");
  const p = filterParams(new URLSearchParams({ q: q }), place, year);
  let out;
  try { out = await getJSON("/api/compare?" + p.toString()); } catch (err) { failed(token, err); return; }
  if (token !== current) return;
  setTitle("对比：" + q);
  show("compare");
  $("compare-title").textContent = out.question;
  $("compare-json").href = "/api/compare?" + p.toString();
  const csv = new URLSearchParams(p);
  csv.set("format", "csv");
  $("compare-csv").href = "/api/compare?" + csv.toString();
  const found = out.rows.filter((r) => r.citation);
  $("compare-meta").textContent = found.length + " / " + out.rows.length + " 个有数值" + (out.filter ? " · 条件 " + out.filter : "") +
    (out.order === "value" ? " · 按数值排序" : " · 按地区排序");
  const bars = $("compare-bars");
  bars.textContent = "";
  const max = Math.max(...found.map((r) => r.value_number || 0), 0);
  if (out.unit && max > 0) {
    for (const r of found) {
      const row = el("div", undefined, "bar");
      const fill = el("span", undefined, "fill");
      fill.style.width = Math.max(1, Math.round(100 * r.value_number / max)) + "%";
      const track = el("span", undefined, "track");
      track.appendChild(fill);
      row.append(el("span", r.place, "name"), track, el("span", r.value, "num"));
      bars.appendChild(row);
    }
  }
  const body = $("compare-table").querySelector("tbody");
  body.textContent = "";
  for (const r of out.rows) {
    const tr = el("tr");
    const year = r.period_year || r.year;
    tr.append(el("td", r.place, "place"), el("td", year ? String(year) : "", "year"));
    const cell = el("td", undefined, "val");
    cell.appendChild(el("div", r.value, r.citation ? "num" : "meta"));
    if (r.normalized && r.normalized !== r.value) cell.appendChild(el("div", "= " + r.normalized, "meta"));
    if (r.sentence) {
      const s = el("div", undefined, "sentence");
      renderText(s, r.sentence, []);
      cell.appendChild(s);
    }
    const src = el("td", undefined, "src");
    if (r.citation) {
      const link = el("a", "出处 ¶" + r.citation.paragraph);
      link.href = reportHref(r.citation, q);
      link.setAttribute("aria-label", r.place + " 的出处：" + (r.citation.title || r.citation.file));
      src.appendChild(link);
    }
    tr.append(cell, src);
    body.appendChild(tr);
  }
  say("对比完成：" + found.length + " / " + out.rows.length + " 个有数值");
}

async function reportView(params) {
  const token = begin("正在打开报告…");
  const file = params.get("file");
  const q = new URLSearchParams();
  if (params.get("start") !== null && params.get("end") !== null) {
    q.set("start", params.get("start"));
    q.set("end", params.get("end"));
    q.set("around", "3");
  }
  if (params.get("row")) q.set("row", params.get("row"));
  const url = "/api/reports/" + encodeURIComponent(file) + (q.toString() ? "?" + q.toString() : "");
  let r;
  try { r = await getJSON(url); } catch (err) { failed(token, err); return; }
  if (token !== current) return;
  show("report");
  const asked = params.get("q");
  const back = $("back");
  back.hidden = !asked;
  if (asked) back.href = "/?" + new URLSearchParams({ q: asked }).toString();
  $("report-json").href = url;
  $("report-title").textContent = r.title || r.file;
  setTitle(r.title || r.file);
  $("report-meta").textContent = [r.place, r.year ? r.year + "年" : "", r.file].filter(Boolean).join(" · ");
  const box = $("report-text");
  box.textContent = "";
  if (r.passage === undefined) {  // the whole report
    renderText(box, r.text, []);
    say("已打开报告：" + (r.title || r.file));
    return;
  }
  if (r.before) renderText(box, r.before, []);
  const line = r.line_before + r.passage + r.line_after;
  const holder = el("div", undefined, "hit-line");
  renderText(holder, line, [[r.line_before.length, r.line_before.length + r.passage.length, ""]]);
  box.appendChild(holder);
  if (r.after) renderText(box, r.after, []);
  const m = holder.querySelector("mark");
  if (m) { m.id = "hit"; m.tabIndex = -1; m.scrollIntoView({ block: "center" }); m.focus(); }
  say("已打开报告中的出处：" + (r.title || r.file));
}

// ---------------------------------------------------------------- the first screen

let generation = null;

async function loadIndex() {
  let r;
  try { r = await (await fetch("/api/reports")).json(); } catch (err) { return; }
  if (!r.reports) { $("summary").textContent = r.error ? notice(r.error) : ""; return; }
  if (r.generation === generation) return;
  generation = r.generation;
  for (const [id, values] of [["place", r.places], ["year", r.years]]) {
    const box = $(id), keep = box.value;
    while (box.options.length > 1) box.remove(1);
    for (const v of values) box.appendChild(el("option", String(v)));
    box.value = keep;
  }
  const indexed = r.reports.filter((x) => x.status === "indexed");
  $("summary").textContent = "已索引 " + indexed.length + " 份报告（" + r.passages + " 段）" +
    (r.places.length ? " · 地区：" + r.places.slice(0, 8).join("、") + (r.places.length > 8 ? " 等 " + r.places.length + " 个" : "") : "") +
    (r.years.length ? " · 年份：" + r.years[0] + (r.years.length > 1 ? "—" + r.years[r.years.length - 1] : "") : "");
  const list = $("report-list");
  list.textContent = "";
  for (const x of indexed) {
    const li = el("li");
    const link = el("a", x.title || x.file);
    link.href = "/?" + new URLSearchParams({ view: "report", file: x.file }).toString();
    li.append(link, el("span", " " + [x.place, x.year ? x.year + "年" : ""].filter(Boolean).join(" · "), "meta"));
    list.appendChild(li);
  }
  loadExamples();
}

// Example questions made from figures the index holds: each is answered by the reports it was made from.
const MEASURES = /(产值|产量|收入|面积|总额|投资|销售额|人数|户数|率)$/;
async function loadExamples() {
  let r;
  try { r = await (await fetch("/api/facts?limit=400")).json(); } catch (err) { return; }
  const box = $("examples");
  box.textContent = "";
  const seen = new Set();
  const picks = [];
  for (const f of r.figures || []) {
    const metric = f.metric || "";
    // a measure named whole (…产值, …产量, …收入, …面积, …率), stated as a result
    if (!/^[\u4e00-\u9fff]{2,10}$/.test(metric) || !MEASURES.test(metric) || f.kind === "target" ||
        f.qualifier !== "exact" || !f.subject) continue;
    if (seen.has(metric) || seen.has(f.subject)) continue;
    seen.add(metric); seen.add(f.subject);
    picks.push(f.subject + (f.year ? f.year + "年" : "") + metric + "是多少");
    if (picks.length === 3) break;
  }
  for (const q of picks) {
    const li = el("li");
    const link = el("a", q);
    link.href = "/?" + new URLSearchParams({ q: q }).toString();
    li.appendChild(link);
    box.appendChild(li);
  }
  $("examples-box").hidden = !picks.length;
}

function home() {
  begin("");
  show("intro");
  setTitle("");
  say("输入问题，或点下面的例子");
}

// ---------------------------------------------------------------- navigation

function route(focus) {
  if (location.hash.startsWith("#report?")) {  // links made by an earlier version of the page
    history.replaceState(null, "", "/?" + new URLSearchParams(location.hash.slice(8) + "&view=report").toString());
  }
  const params = new URLSearchParams(location.search);
  const q = params.get("q") || "";
  $("q").value = q;
  $("place").value = params.get("place") || "";
  $("year").value = params.get("year") || "";
  let done;
  if (params.get("view") === "report" && params.get("file")) done = reportView(params);
  else if (q) done = (params.get("view") === "compare" ? compareView : ask)(q, params.get("place"), params.get("year"));
  else { home(); done = Promise.resolve(); }
  if (focus) done.then(() => { const h = document.querySelector("section:not([hidden]) h2, section:not([hidden]) .value"); if (h) { h.tabIndex = -1; h.focus(); } });
}

function go(view) {
  const q = $("q").value.trim();
  if (!q) { say(view === "compare" ? "请输入要对比的指标，例如：2024年各省粮食产量" : "请输入问题"); return; }
  const p = filterParams(new URLSearchParams({ q: q }), $("place").value, $("year").value);
  if (view === "compare") p.set("view", "compare");
  history.pushState(null, "", "/?" + p.toString());
  route(false);
  loadIndex();  // a re-index since the page was opened brings new places and years
}

$("ask").addEventListener("submit", (ev) => { ev.preventDefault(); go("ask"); });
$("compare-btn").addEventListener("click", () => go("compare"));
document.addEventListener("click", (ev) => {  // links within the page navigate without reloading it
  const a = ev.target.closest("a");
  if (!a || a.target || a.hasAttribute("download") || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname !== "/") return;
  ev.preventDefault();
  history.pushState(null, "", url.pathname + url.search);
  route(true);
});
$("copy-link").addEventListener("click", async () => {
  try { await navigator.clipboard.writeText(location.href); say("链接已复制：" + location.href); }
  catch (err) { say("复制失败，请手动复制地址栏：" + location.href); }
});
window.addEventListener("popstate", () => route(true));
window.addEventListener("hashchange", () => route(true));
loadIndex();
route(false);
