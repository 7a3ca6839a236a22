// 日报: one day's figures on an A4 sheet; the print button (and Ctrl+P) prints only the sheet.
import { api, fmt, h, replaceChildren, t } from "./core.js";
import { barChart } from "./charts.js";
import { startPage } from "./shell.js";

const input = document.getElementById("report-date");

function table(id, headers, rows, numeric = () => false) {
  replaceChildren(document.getElementById(id),
    h("thead", {}, h("tr", {}, headers.map((x, i) => h("th", { class: numeric(i) ? "num" : "" }, x)))),
    h("tbody", {}, rows.length ? rows.map((r) => h("tr", {}, r.map((v, i) => h("td", { class: numeric(i) ? "num" : "" }, v ?? "—"))))
      : h("tr", {}, h("td", { colspan: headers.length, class: "empty" }, t("report.none")))));
}

function totals(r) {
  const x = r.totals;
  const s = r.satisfaction;
  const pairs = [[t("stats.kpi.issued"), x.issued], [t("stats.kpi.served"), x.served], [t("stats.kpi.no_show"), x.no_show],
    [t("report.cancelled"), x.cancelled + x.expired], [t("stats.kpi.wait"), fmt.minutes(x.wait.mean)],
    [t("report.wait_p90"), fmt.minutes(x.wait.p90)], [t("stats.kpi.service"), fmt.minutes(x.service.mean)],
    [t("report.evaluations"), s.count], [t("stats.kpi.good_rate"), fmt.percent(s.good_rate)],
    [t("stats.kpi.unrated_rate"), fmt.percent(s.unrated_rate)], [t("stats.kpi.bad"), s.bad], [t("report.waiting_end"), x.waiting]];
  const rows = [];
  for (let i = 0; i < pairs.length; i += 2) rows.push(h("tr", {}, h("th", {}, pairs[i][0]), h("td", { class: "num" }, pairs[i][1]),
    h("th", {}, pairs[i + 1][0]), h("td", { class: "num" }, pairs[i + 1][1])));
  replaceChildren(document.getElementById("report-totals"), h("tbody", {}, rows));
}

function render(r) {
  document.getElementById("report-title").textContent = t("report.heading", { hall: r.hall });
  document.getElementById("report-meta").textContent = t("report.meta", { date: r.date, at: fmt.dateTime(r.generated_at) });
  totals(r);
  const hours = Array.from({ length: 11 }, (_, i) => i + 8);
  replaceChildren(document.getElementById("report-hourly"), barChart({ title: t("stats.hourly"), width: 790, height: 170,
    labels: hours.map(String), series: [{ name: t("stats.arrivals"), values: hours.map((x) => r.hourly.arrivals[x]), cls: "bar-a" },
                                        { name: t("stats.calls"), values: hours.map((x) => r.hourly.calls[x]), cls: "bar-b" }] }));
  const m = (d) => fmt.minutes(d.mean);
  table("report-categories", [t("stats.col.category"), t("stats.col.issued"), t("stats.col.served"), t("stats.col.no_show"),
    t("stats.col.wait_mean"), t("stats.col.wait_p90"), t("stats.col.service_mean")],
    r.categories.map((c) => [`${c.code} ${c.name}`, c.issued, c.served, c.no_show, m(c.wait), fmt.minutes(c.wait.p90), m(c.service)]), (i) => i > 0);
  table("report-windows", [t("stats.col.window"), t("stats.col.called"), t("stats.col.served"), t("stats.col.wait_mean"),
    t("stats.col.service_mean"), t("stats.col.paused")],
    r.windows.map((w) => [w.name, w.called, w.served, m(w.wait), m(w.service), fmt.minutes(w.pause_seconds)]), (i) => i > 0);
  const s = r.satisfaction;
  table("report-evaluations", [t("report.level"), t("report.count"), t("report.share")],
    [5, 4, 3, 2, 1].map((l) => [t(`level.${l}`), s.levels[l], s.count ? fmt.percent(s.levels[l] / s.count) : "—"]), (i) => i > 0);
  table("report-pauses", [t("stats.col.window"), t("report.pause.from"), t("report.pause.to"), t("report.pause.minutes"), t("report.pause.reason")],
    r.pauses.map((p) => [p.name || p.window_id, fmt.time(p.started_at), p.ended_at ? fmt.time(p.ended_at) : t("report.pause.ongoing"),
      p.minutes, p.reason]), (i) => i === 3);
  table("report-other", [t("report.item"), t("report.value")], [
    [t("report.cases_opened"), r.cases.opened], [t("report.cases_closed"), r.cases.closed],
    [t("report.cases_open"), r.cases.open], [t("report.cases_overdue"), r.cases.overdue],
    [t("report.help_total"), r.help.total], [t("report.help_resolved"), r.help.resolved],
    [t("report.help_minutes"), r.help.mean_minutes === null ? "—" : t("unit.minutes", { n: r.help.mean_minutes })]], (i) => i === 1);
}

async function refresh(ctx) {
  if (!input.value) input.value = new URLSearchParams(location.search).get("date") || ctx.day;
  render(await api("GET", `/console/daily-report?date=${input.value}`));
}

document.getElementById("print").addEventListener("click", () => window.print());
document.getElementById("report-form").addEventListener("submit", (event) => {
  event.preventDefault();
  history.replaceState(null, "", `?date=${input.value}`);
  refresh();
});
startPage({ refresh, events: [], interval: 300000 });
