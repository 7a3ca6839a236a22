// 排队: each category's line with wait-time and length alarms; a waiting ticket can be
// prioritised (绿色通道), transferred or cancelled; kiosks' 呼叫帮办 requests.
import { api, ask, attempt, confirmed, fmt, h, replaceChildren, requestId, t } from "./core.js";
import { alarmText, startPage } from "./shell.js";

let context = null;
let data = null;
let selected = "";  // category code, "" = all

function tile(c) {
  const alarmed = c.alarms.length > 0;
  return h("button", { type: "button", class: `tile${alarmed ? " alarm" : ""}`, "aria-pressed": String(selected === c.code),
    dataset: { category: c.code }, onclick: () => { selected = selected === c.code ? "" : c.code; render(); } },
    h("div", { class: "tile-head" }, h("b", {}, c.prefix), h("span", { class: "name" }, c.name)),
    h("div", { class: "tile-figures" },
      h("span", {}, h("span", { class: "big" }, c.waiting), h("span", { class: "unit" }, t("unit.people"))),
      h("span", { class: "sub" }, t("queues.longest", { n: c.longest_wait_min })),
      h("span", { class: "sub" }, t("queues.estimate", { n: c.est_wait_min }))),
    h("div", { class: "sub" }, t("queues.open_windows", { n: c.open_windows }),
      c.green ? ` · ${t("queues.green_count", { n: c.green })}` : "",
      c.appointment ? ` · ${t("queues.appointment_count", { n: c.appointment })}` : ""),
    alarmed ? h("div", { class: "tile-alarm" }, c.alarms.map((kind) => h("span", { class: "tag bad" }, t(`queues.alarm.${kind}`)))) : null);
}

function notes(ticket) {
  const parts = [];
  if (ticket.target_window) parts.push(h("span", { class: "tag warn" }, t("queues.note.target", { window: ticket.target_window_name || ticket.target_window })));
  if (ticket.transfer_count) parts.push(h("span", { class: "tag off" }, t("queues.note.transferred")));
  if (ticket.requeue_count) parts.push(h("span", { class: "tag off" }, t("queues.note.requeued")));
  if (ticket.real_name) parts.push(h("span", { class: "tag ok" }, t("queues.note.real_name")));
  return h("div", { class: "chips" }, parts);
}

function ticketRow(ticket) {
  const over = ticket.waited_min > context.thresholds.wait_alarm_minutes;
  return h("tr", { dataset: { ticket: ticket.id, number: ticket.number } },
    h("td", { class: "num" }, ticket.position),
    h("td", { class: "ticket" }, h("b", {}, ticket.number)),
    h("td", {}, ticket.category_name),
    h("td", {}, ticket.service_name || h("span", { class: "muted" }, "—")),
    h("td", {}, h("span", { class: `pill prio-${ticket.priority}` }, t(`priority.${ticket.priority}`))),
    h("td", { class: `num${over ? " overdue" : ""}` }, t("unit.min_short", { n: ticket.waited_min })),
    h("td", {}, notes(ticket)),
    h("td", { class: "col-actions" }, h("div", { class: "row-actions" },
      h("button", { type: "button", class: "small", dataset: { action: "prioritise" }, disabled: ticket.priority === "green",
        onclick: () => prioritise(ticket) }, t("action.prioritise")),
      h("button", { type: "button", class: "small", dataset: { action: "transfer" }, onclick: () => transfer(ticket) }, t("action.transfer")),
      h("button", { type: "button", class: "small danger", dataset: { action: "cancel" }, onclick: () => cancel(ticket) }, t("action.cancel_ticket")))));
}

function helpItem(req) {
  const waited = Math.max(0, Math.floor((Date.parse(data.time) - Date.parse(req.requested_at)) / 60000));
  const late = waited >= context.thresholds.help_escalate_minutes;
  return h("div", { class: `help-item${late ? " alarm" : ""}`, dataset: { help: req.id } },
    h("div", { class: "line" }, h("span", { class: "where" }, req.location || req.device),
      h("button", { type: "button", class: "small primary", dataset: { action: "resolve" }, onclick: () => resolve(req) }, t("help.resolve"))),
    h("div", { class: "sub" }, [req.device, t("help.since", { time: fmt.time(req.requested_at), n: waited }),
      req.times > 1 ? t("help.times", { n: req.times }) : null].filter(Boolean).join(" · ")),
    req.reason ? h("div", {}, req.reason) : null);
}

function render() {
  const total = data.categories.reduce((sum, c) => sum + c.waiting, 0);
  replaceChildren(document.getElementById("queue-summary"),
    h("span", { class: "count" }, t("queues.total"), h("b", {}, total)),
    h("span", { class: "count" }, t("queues.alarm_categories"), h("b", {}, data.categories.filter((c) => c.alarms.length).length)));
  document.getElementById("queue-thresholds").textContent = t("queues.thresholds", {
    minutes: data.thresholds.wait_minutes, people: data.thresholds.queue_length });
  replaceChildren(document.getElementById("tiles"), data.categories.map(tile));
  const chosen = data.categories.find((c) => c.code === selected);
  document.getElementById("tickets-title").textContent = chosen ? t("queues.tickets_of", { name: chosen.name }) : t("queues.tickets_all");
  const tickets = data.tickets.filter((x) => !selected || x.category === selected);
  replaceChildren(document.querySelector("#waiting-table tbody"), tickets.length
    ? tickets.map(ticketRow) : h("tr", {}, h("td", { colspan: 8, class: "empty" }, t("queues.none"))));
  replaceChildren(document.getElementById("queue-alarms"), data.alarms.length
    ? data.alarms.map((a) => h("li", { class: "alarm-line" }, h("span", { class: "tag bad" }, t(`queues.alarm.${a.kind}`)), " ", alarmText(a)))
    : h("li", { class: "muted" }, t("queues.no_alarms")));
}

function renderHelp(requests) {
  const count = document.getElementById("help-count");
  count.textContent = String(requests.length);
  count.hidden = requests.length === 0;
  replaceChildren(document.getElementById("help-list"), requests.length
    ? requests.map(helpItem) : h("p", { class: "empty" }, t("help.none")));
}

async function refresh(ctx) {
  if (ctx) context = ctx;
  const [queues, help] = await Promise.all([api("GET", "/console/queues"), api("GET", "/help-requests?state=open")]);
  data = queues;
  render();
  renderHelp(help.help_requests);
}

async function prioritise(ticket) {
  if (!(await confirmed(t("prioritise.title", { number: ticket.number }), t("prioritise.text")))) return;
  await attempt(() => api("POST", `/tickets/${ticket.id}/prioritise`, { request_id: requestId("prioritise") }),
    t("done.prioritise", { number: ticket.number }));
  await refresh();
}

async function transfer(ticket) {
  const dialog = document.getElementById("transfer-dialog");
  dialog.querySelector(".dialog-title").textContent = t("transfer.title", { number: ticket.number });
  const pending = ask(dialog);
  replaceChildren(document.getElementById("transfer-category"), h("option", { value: "" }, t("transfer.keep_category")),
    context.categories.filter((c) => c.code !== ticket.category).map((c) => h("option", { value: c.code }, `${c.code} ${c.name}`)));
  replaceChildren(document.getElementById("transfer-window"), h("option", { value: "" }, t("transfer.any_window")),
    context.windows.map((w) => h("option", { value: w.id }, w.name)));
  const form = await pending;
  if (!form) return;
  const body = { request_id: requestId("transfer") };
  if (form.get("to_category")) body.to_category = form.get("to_category");
  if (form.get("to_window")) body.to_window = form.get("to_window");
  await attempt(() => api("POST", `/tickets/${ticket.id}/transfer`, body), t("done.transfer", { number: ticket.number }));
  await refresh();
}

async function cancel(ticket) {
  if (!(await confirmed(t("cancel.title", { number: ticket.number }), t("cancel.text")))) return;
  await attempt(() => api("POST", `/tickets/${ticket.id}/cancel`, { request_id: requestId("cancel") }),
    t("done.cancel", { number: ticket.number }));
  await refresh();
}

async function resolve(req) {
  const dialog = document.getElementById("resolve-dialog");
  dialog.querySelector(".dialog-title").textContent = t("help.resolve_title", { where: req.location || req.device });
  const form = await ask(dialog);
  if (!form) return;
  const note = (form.get("note") || "").trim();
  await attempt(() => api("POST", `/help-requests/${req.id}/resolve`, { note: note || null, request_id: requestId("help") }),
    t("done.help"));
  await refresh();
}

document.getElementById("show-all").addEventListener("click", () => { selected = ""; render(); });
startPage({ refresh, events: ["ticket.", "window.", "help."], interval: 20000 });
