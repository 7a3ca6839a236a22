// 统计: a chosen period's figures and charts (hourly arrivals and calls, wait-time
// distribution, satisfaction), per category / window / clerk; CSV and XLSX exports.
import { api, attempt, fmt, h, LANG, replaceChildren, t } from "./core.js";
import { barChart, hbarChart } from "./charts.js";
import { startPage } from "./shell.js";

const from = document.getElementById("date-from");
const to = document.getElementById("date-to");
let context = null;

function shiftDay(iso, days) {
  const d = new Date(`${iso}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function preset(name) {
  const today = context.day;
  const weekday = (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7;  // Monday = 0
  return { today: [today, today], yesterday: [shiftDay(today, -1), shiftDay(today, -1)],
           week: [shiftDay(today, -weekday), today], month: [`${today.slice(0, 8)}01`, today] }[name];
}

function kpi(label, value, id) {
  return h("div", { class: "kpi", dataset: { kpi: id } }, h("div", { class: "label" }, label), h("div", { class: "value" }, value));
}

function hourRange(hourly) {
  const busy = hourly.arrivals.map((v, i) => (v || hourly.calls[i] ? i : null)).filter((i) => i !== null);
  const first = Math.min(8, ...busy);
  const last = Math.max(17, ...busy);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

function drawCharts(data) {
  const hours = hourRange(data.hourly);
  replaceChildren(document.getElementById("chart-hourly"), barChart({
    title: t("stats.hourly"), labels: hours.map((x) => String(x)),
    series: [{ name: t("stats.arrivals"), values: hours.map((x) => data.hourly.arrivals[x]), cls: "bar-a" },
             { name: t("stats.calls"), values: hours.map((x) => data.hourly.calls[x]), cls: "bar-b" }] }));
  const edges = data.wait_histogram.edges_min;
  const limit = context.thresholds.wait_alarm_minutes;
  const labels = edges.map((e, i) => (i + 1 < edges.length ? `${e}–${edges[i + 1]}` : `${e}+`));
  const svg = barChart({ title: t("stats.wait_distribution"), labels,
    series: [{ name: t("stats.tickets"), values: data.wait_histogram.counts, cls: "bar-a" }] });
  svg.querySelectorAll("rect").forEach((bar, i) => { if (edges[i] >= limit) bar.setAttribute("class", "bar-warn"); });
  replaceChildren(document.getElementById("chart-wait"), svg);
  document.getElementById("wait-note").textContent = t("stats.wait_note", { minutes: limit });
  const s = data.satisfaction;
  const classes = { 5: "bar-good", 4: "bar-good", 3: "bar-a", 2: "bar-warn", 1: "bar-bad" };
  replaceChildren(document.getElementById("chart-levels"), hbarChart({ title: t("stats.satisfaction"),
    rows: [5, 4, 3, 2, 1].map((level) => ({ label: t(`level.${level}`), value: s.levels[level], cls: classes[level],
      note: s.count ? fmt.percent(s.levels[level] / s.count) : "" })) }));
  document.getElementById("rate-note").textContent = t("stats.rate_note", {
    count: s.count, good: fmt.percent(s.good_rate), unrated: fmt.percent(s.unrated_rate), done: s.done });
}

function cells(values) {
  return values.map((v, i) => h("td", { class: i === 0 ? "" : "num" }, v));
}

function drawTables(data) {
  const m = (d) => fmt.minutes(d.mean);
  const p = (d) => fmt.minutes(d.p90);
  replaceChildren(document.querySelector("#category-table tbody"), data.categories.map((c) => h("tr", { dataset: { category: c.code } },
    cells([`${c.code} ${c.name}`, c.issued, c.served, c.no_show, c.cancelled, c.waiting, m(c.wait), p(c.wait), m(c.service), p(c.service)]))));
  replaceChildren(document.querySelector("#window-table tbody"), data.windows.map((w) => h("tr", {},
    cells([w.name, w.called, w.served, m(w.wait), m(w.service), fmt.minutes(w.pause_seconds)]))));
  replaceChildren(document.querySelector("#clerk-table tbody"), data.clerks.map((c) => h("tr", {},
    cells([c.name, c.called, c.served, m(c.wait), m(c.service)]))));
}

async function refresh(ctx) {
  if (ctx) context = ctx;
  if (!from.value) [from.value, to.value] = preset("today");
  const data = await api("GET", `/console/stats?date_from=${from.value}&date_to=${to.value}`);
  const x = data.totals;
  const s = data.satisfaction;
  document.getElementById("stats-period").textContent = t("stats.period", { from: data.date_from, to: data.date_to });
  document.getElementById("report-link").href = `/console/report?date=${data.date_to}`;
  replaceChildren(document.getElementById("kpis"),
    kpi(t("stats.kpi.issued"), x.issued, "issued"), kpi(t("stats.kpi.served"), x.served, "served"),
    kpi(t("stats.kpi.no_show"), x.no_show, "no_show"), kpi(t("stats.kpi.wait"), fmt.minutes(x.wait.mean), "wait"),
    kpi(t("stats.kpi.service"), fmt.minutes(x.service.mean), "service"), kpi(t("stats.kpi.good_rate"), fmt.percent(s.good_rate), "good_rate"),
    kpi(t("stats.kpi.unrated_rate"), fmt.percent(s.unrated_rate), "unrated_rate"), kpi(t("stats.kpi.bad"), s.bad, "bad"));
  drawCharts(data);
  drawTables(data);
}

async function download(kind, format) {
  const lang = LANG === "en" ? "en" : "zh";
  const query = `kind=${kind}&format=${format}&lang=${lang}&date_from=${from.value}&date_to=${to.value}`;
  await attempt(async () => {
    const response = await api("GET", `/console/export?${query}`, undefined, { raw: true });
    const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "")?.[1] || `hallterm-${kind}.${format}`;
    const link = h("a", { href: URL.createObjectURL(await response.blob()), download: name });
    document.body.append(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }, t("stats.exported"));
}

document.getElementById("period-form").addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
for (const button of document.querySelectorAll("[data-preset]")) {
  button.addEventListener("click", () => { [from.value, to.value] = preset(button.dataset.preset); refresh(); });
}
for (const button of document.querySelectorAll("[data-export]")) {
  button.addEventListener("click", () => download(button.dataset.export, button.dataset.format));
}
startPage({ refresh, events: ["ticket.done", "evaluation."], interval: 60000 });
