// The page: questions go to /api/ask; everything from a report is set as text (never as HTML).
"use strict";
const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

// Append `text` to `parent`, marking [a, b) (offsets into text) and any of the question's words.
function marked(parent, text, a, b, words) {
  const spans = [];
  if (a !== null && a >= 0 && b > a) spans.push([a, b, ""]);
  for (const w of words || []) {
    if (w.length < 2) continue;
    let i = text.indexOf(w);
    while (i >= 0) { spans.push([i, i + w.length, "q"]); i = text.indexOf(w, i + w.length); }
  }
  spans.sort((x, y) => x[0] - y[0] || (x[2] === "" ? -1 : 1));
  let pos = 0;
  for (const [s, e, cls] of spans) {
    if (s < pos) continue;
    parent.appendChild(document.createTextNode(text.slice(pos, s)));
    parent.appendChild(el("mark", text.slice(s, e), cls));
    pos = e;
  }
  parent.appendChild(document.createTextNode(text.slice(pos)));
}

function citeLabel(c) {
  const parts = [c.title || c.file, c.file];
  if (c.row) parts.push("第" + c.row + "行");
  if (c.page) parts.push("第" + c.page + "页");
  parts.push("¶" + c.paragraph, "字符 " + c.char_start + ":" + c.char_end);
  return parts.join(" · ");
}

function reportLink(c) {
  const p = new URLSearchParams({ file: c.file, start: c.char_start, end: c.char_end });
  if (c.row) p.set("row", c.row);
  return "#report?" + p.toString();
}

async function getJSON(url) {
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || ("HTTP " + r.status));
  return body;
}

async function ask(q, place, year) {
  $("status").textContent = "正在查找…";
  $("report").hidden = true;
  $("compare").hidden = true;
  const p = new URLSearchParams({ q: q, k: "5" });
  if (place) p.append("place", place);
  if (year) p.append("year", year);
  let out;
  try { out = await getJSON("/api/ask?" + p.toString()); }
  catch (err) { $("status").textContent = "出错了：" + err.message; return; }
  $("status").textContent = (out.notices || []).join("；");
  const words = out.terms || [];
  const a = out.answer;
  $("answer").hidden = !a;
  $("notfound").hidden = !!a;
  if (a) {
    $("answer-text").textContent = a.text;
    $("answer-norm").textContent = a.value !== null && (String(a.value) + a.unit) !== a.text ? "= " + a.value + " " + a.unit : "";
    const s = $("answer-sentence");
    s.textContent = "";
    const off = a.citation.char_start - a.sentence_citation.char_start;
    marked(s, a.sentence, off, off + a.text.length, []);
    const meta = [a.place, a.year ? a.year + "年" : "", a.kind === "target" ? "目标" : a.kind === "achieved" ? "实绩" : ""];
    $("answer-meta").textContent = meta.filter(Boolean).join(" · ") + " · " + citeLabel(a.citation);
    $("answer-cite").href = reportLink(a.sentence_citation);
  }
  const list = $("passages");
  list.textContent = "";
  for (const h of out.passages) {
    const li = el("li");
    const text = el("div");
    let a0 = null, b0 = null;
    if (a && a.citation.file === h.citation.file && a.citation.char_start >= h.citation.char_start && a.citation.char_end <= h.citation.char_end) {
      a0 = a.citation.char_start - h.citation.char_start; b0 = a0 + a.text.length;
    }
    marked(text, h.text, a0, b0, words);
    const cite = el("a", citeLabel(h.citation), "meta");
    cite.href = reportLink(h.citation);
    li.append(text, cite);
    list.appendChild(li);
  }
}

async function compareView(q, place, year) {
  $("status").textContent = "正在对比…";
  const p = new URLSearchParams({ q: q });
  if (place) p.append("place", place);
  if (year) p.append("year", year);
  let out;
  try { out = await getJSON("/api/compare?" + p.toString()); }
  catch (err) { $("status").textContent = "出错了：" + err.message; return; }
  $("status").textContent = "";
  $("answer").hidden = $("notfound").hidden = $("report").hidden = true;
  $("passages").textContent = "";
  $("compare").hidden = false;
  $("compare-title").textContent = out.question;
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
      fill.style.width = Math.max(1, Math.round(300 * r.value_number / max)) + "px";
      row.append(el("span", r.place, "name"), fill, el("span", r.value));
      bars.appendChild(row);
    }
  }
  const body = $("compare-table").querySelector("tbody");
  body.textContent = "";
  for (const r of out.rows) {
    const tr = el("tr");
    tr.append(el("td", r.place), el("td", r.year ? String(r.year) : ""), el("td", r.value), el("td", r.normalized || ""));
    const td = el("td");
    if (r.citation) {
      const a = el("a", r.citation.file);
      a.href = reportLink(r.citation);
      a.title = r.sentence;
      td.appendChild(a);
    }
    tr.appendChild(td);
    body.appendChild(tr);
  }
}

async function showReport(params) {
  const file = params.get("file");
  const q = new URLSearchParams({ start: params.get("start"), end: params.get("end"), around: "3" });
  if (params.get("row")) q.set("row", params.get("row"));
  let r;
  try { r = await getJSON("/api/reports/" + encodeURIComponent(file) + "?" + q.toString()); }
  catch (err) { $("status").textContent = "出错了：" + err.message; return; }
  $("answer").hidden = $("notfound").hidden = $("compare").hidden = true;
  $("passages").textContent = "";
  $("report").hidden = false;
  $("report-title").textContent = r.title || r.file;
  $("report-meta").textContent = [r.place, r.year, r.file].filter(Boolean).join(" · ");
  const box = $("report-text");
  box.textContent = "";
  for (const para of (r.before ? r.before.split("\n") : [])) box.appendChild(el("p", para));
  const line = el("p");
  line.appendChild(document.createTextNode(r.line_before));
  const m = el("mark", r.passage);
  m.id = "hit";
  m.tabIndex = -1;
  line.append(m, document.createTextNode(r.line_after));
  box.appendChild(line);
  for (const para of (r.after ? r.after.split("\n") : [])) box.appendChild(el("p", para));
  m.scrollIntoView({ block: "center" });
  m.focus();
}

async function loadFilters() {
  try {
    const r = await getJSON("/api/reports");
    for (const p of r.places) $("place").appendChild(el("option", p));
    for (const y of r.years) $("year").appendChild(el("option", String(y)));
  } catch (err) { $("status").textContent = "出错了：" + err.message; }
}

function route() {
  const hash = location.hash;
  if (hash.startsWith("#report?")) { showReport(new URLSearchParams(hash.slice(8))); return; }
  const params = new URLSearchParams(location.search);
  const q = params.get("q");
  if (q) {
    $("q").value = q;
    if (params.get("place")) $("place").value = params.get("place");
    if (params.get("year")) $("year").value = params.get("year");
    (params.get("view") === "compare" ? compareView : ask)(q, params.get("place"), params.get("year"));
  }
}

$("ask").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const q = $("q").value.trim();
  if (!q) { $("status").textContent = "请输入问题"; return; }
  const p = new URLSearchParams({ q: q });
  if ($("place").value) p.set("place", $("place").value);
  if ($("year").value) p.set("year", $("year").value);
  history.pushState(null, "", "/?" + p.toString());
  ask(q, $("place").value, $("year").value);
});
$("compare-btn").addEventListener("click", () => {
  const q = $("q").value.trim();
  if (!q) { $("status").textContent = "请输入要对比的指标，例如：2024年各省粮食产量"; return; }
  const p = new URLSearchParams({ q: q, view: "compare" });
  if ($("place").value) p.set("place", $("place").value);
  if ($("year").value) p.set("year", $("year").value);
  history.pushState(null, "", "/?" + p.toString());
  compareView(q, $("place").value, $("year").value);
});
$("back").addEventListener("click", (ev) => { ev.preventDefault(); history.back(); });
window.addEventListener("hashchange", route);
window.addEventListener("popstate", route);
loadFilters().then(route);
