// 设备: every device's heartbeat, online state and problems (printer paper, faults);
// the kiosks' help-request history.
import { api, fmt, h, LANG, replaceChildren, t, tOr } from "./core.js";
import { startPage } from "./shell.js";

function componentChip(name, state) {
  if (state?.state === "absent") return null;  // not configured on this device
  const ok = state && state.ok !== false && state.paper !== "out";
  const paper = state?.paper && state.paper !== "ok" ? ` · ${t(`devices.paper.${state.paper}`)}` : "";
  return h("span", { class: `comp tag ${ok ? (paper ? "warn" : "ok") : "bad"}` }, tOr(`component.${name}`, name), paper);
}

function problemText(p) {
  const text = t(`devices.problem.${p.kind}`, { component: tOr(`component.${p.component}`, p.component || ""), minutes: p.minutes ?? "" });
  const said = LANG === "en" ? p.message_en || p.message : p.message;  // the driver's own words, if any
  return said ? t("devices.problem.with_message", { problem: text, message: said }) : text;
}

function deviceRow(d) {
  return h("tr", { dataset: { device: d.name, online: String(d.online) } },
    h("td", {}, h("b", {}, d.name)),
    h("td", {}, tOr(`role.${d.role}`, d.role)),
    h("td", {}, h("span", { class: `pill ${d.online ? "state-open" : "state-closed"}` }, t(d.online ? "devices.online" : "devices.offline"))),
    h("td", {}, fmt.dateTime(d.last_seen), h("div", { class: "sub" }, t("devices.ago", { n: d.minutes_since }))),
    h("td", {}, h("div", { class: "chips" }, Object.entries(d.components).map(([name, state]) => componentChip(name, state)))),
    h("td", {}, d.problems.length ? d.problems.map((p) => h("div", { class: p.level === "alarm" ? "overdue" : "due-soon" }, problemText(p)))
      : h("span", { class: "muted" }, t("devices.no_problem"))));
}

function helpRow(r) {
  return h("tr", { dataset: { help: r.id } },
    h("td", {}, fmt.dateTime(r.requested_at)),
    h("td", {}, r.location || r.device, r.location ? h("div", { class: "sub" }, r.device) : null),
    h("td", {}, r.reason || "—"),
    h("td", { class: "num" }, r.times),
    h("td", {}, h("span", { class: `pill ${r.state === "open" ? "state-paused" : "state-open"}` }, t(`help.state.${r.state}`))),
    h("td", {}, r.resolved_at ? `${fmt.dateTime(r.resolved_at)} · ${r.resolved_by}` : "—"),
    h("td", {}, r.note || ""));
}

async function refresh() {
  const [data, help] = await Promise.all([api("GET", "/console/devices"), api("GET", "/help-requests?state=all")]);
  const online = data.devices.filter((d) => d.online).length;
  replaceChildren(document.getElementById("device-summary"),
    h("span", { class: "count state-open" }, t("devices.online"), h("b", {}, online)),
    h("span", { class: "count state-closed" }, t("devices.offline"), h("b", {}, data.devices.length - online)),
    h("span", { class: "count" }, t("devices.with_problems"), h("b", {}, data.devices.filter((d) => d.problems.length).length)));
  document.getElementById("device-note").textContent = t("devices.note", { minutes: data.offline_minutes });
  replaceChildren(document.querySelector("#device-table tbody"), data.devices.length
    ? data.devices.map(deviceRow) : h("tr", {}, h("td", { colspan: 6, class: "empty" }, t("devices.none"))));
  replaceChildren(document.querySelector("#help-table tbody"), help.help_requests.length
    ? help.help_requests.slice(0, 50).map(helpRow) : h("tr", {}, h("td", { colspan: 7, class: "empty" }, t("help.none_ever"))));
}

startPage({ refresh, events: ["device.", "help."], interval: 30000 });
