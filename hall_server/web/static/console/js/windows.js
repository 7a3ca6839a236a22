// 窗口: every window's state, clerk, current ticket and today's figures; open, close,
// pause with a reason, resume; reassign categories and their order; AB岗 clerk.
import { api, ask, attempt, confirmed, fmt, h, replaceChildren, requestId, t } from "./core.js";
import { startPage } from "./shell.js";

const tbody = document.querySelector("#windows-table tbody");
const zoneFilter = document.getElementById("zone-filter");
let context = null;
let board = null;

function statePill(w) {
  const pill = h("span", { class: `pill state-${w.state}` }, t(`window.state.${w.state}`));
  if (w.state !== "paused") return pill;
  const since = w.paused_since ? t("windows.paused_since", { time: fmt.time(w.paused_since) }) : "";
  return h("div", { class: "state-cell" }, pill, h("div", { class: "sub" }, [w.pause_reason, since].filter(Boolean).join(" · ")));
}

function categoryChips(codes) {
  const names = Object.fromEntries(context.categories.map((c) => [c.code, c.name]));
  return h("div", { class: "chips" }, codes.map((code, i) =>
    h("span", { class: "chip", title: t("windows.order", { n: i + 1 }) }, h("b", {}, code), " ", names[code] || code)));
}

function currentTicket(w) {
  const c = w.current_ticket;
  if (!c) return h("span", { class: "muted" }, "—");
  return h("span", { class: "ticket" }, h("b", {}, c.number), " ", h("span", { class: "sub" }, t(`ticket.state.${c.state}`)));
}

function actionButton(w, action, label, handler, extraClass = "") {
  return h("button", { type: "button", class: `small ${extraClass}`, dataset: { action }, onclick: () => handler(w) }, label);
}

function actions(w) {
  const buttons = [];
  if (w.state === "open") buttons.push(actionButton(w, "pause", t("action.pause"), pauseWindow));
  if (w.state === "paused") buttons.push(actionButton(w, "resume", t("action.resume"), (x) => changeState(x, "resume"), "primary"));
  if (w.state === "closed") buttons.push(actionButton(w, "open", t("action.open"), (x) => changeState(x, "open"), "primary"));
  else buttons.push(actionButton(w, "close", t("action.close"), closeWindow));
  buttons.push(actionButton(w, "categories", t("action.categories"), editCategories));
  buttons.push(actionButton(w, "clerk", t("action.clerk"), editClerk));
  return h("div", { class: "row-actions" }, buttons);
}

function row(w) {
  const d = w.today;
  return h("tr", { dataset: { window: w.id, state: w.state } },
    h("td", { class: "col-window" }, h("div", { class: "win-cell" }, h("span", { class: "win-no" }, w.number),
      h("div", { class: "win-name" }, w.name, h("div", { class: "sub" }, w.zone_name || "")))),
    h("td", { class: "col-state" }, statePill(w)),
    h("td", { class: "nowrap" }, w.clerk ? [w.clerk_name, w.clerk_staff_no ? h("span", { class: "sub" }, " ", t("windows.staff_no", { no: w.clerk_staff_no })) : null]
      : h("span", { class: "muted" }, t("windows.no_clerk"))),
    h("td", { class: "nowrap" }, currentTicket(w)),
    h("td", {}, categoryChips(w.categories)),
    h("td", { class: "num" }, fmt.count(d.called)),
    h("td", { class: "num" }, fmt.count(d.served)),
    h("td", { class: "num" }, fmt.count(d.no_show)),
    h("td", { class: "num" }, fmt.minutes(d.wait_mean)),
    h("td", { class: "num" }, fmt.minutes(d.service_mean)),
    h("td", { class: "col-actions" }, actions(w)));
}

function render() {
  const zone = zoneFilter.value;
  const s = board.summary;
  replaceChildren(document.getElementById("window-summary"),
    ["open", "paused", "closed"].map((state) => h("span", { class: `count state-${state}` }, t(`window.state.${state}`), h("b", {}, s[state]))),
    h("span", { class: "count" }, t("windows.waiting_total"), h("b", {}, s.waiting)));
  replaceChildren(tbody, board.windows.filter((w) => !zone || w.zone === zone).map(row));
}

async function refresh(ctx) {
  if (ctx) context = ctx;
  board = await api("GET", "/console/board");
  render();
}

async function changeState(w, action, reason) {
  const body = { request_id: requestId(action) };
  if (reason) body.reason = reason;
  await attempt(() => api("POST", `/windows/${w.id}/${action}`, body), t(`done.${action}`, { window: w.name }));
  await refresh();
}

async function pauseWindow(w) {
  const dialog = document.getElementById("pause-dialog");
  dialog.querySelector(".dialog-title").textContent = t("pause.title", { window: w.name });
  const data = await ask(dialog);
  if (!data) return;
  const detail = (data.get("detail") || "").trim();
  const reason = data.get("reason");
  await changeState(w, "pause", detail ? t("pause.reason_with_detail", { reason, detail }) : reason);
}

async function closeWindow(w) {
  const text = w.current_ticket ? t("close.busy", { number: w.current_ticket.number }) : t("close.text");
  if (await confirmed(t("close.title", { window: w.name }), text)) await changeState(w, "close");
}

function renderPickLists(chosen) {
  const names = Object.fromEntries(context.categories.map((c) => [c.code, c.name]));
  const label = (code) => h("span", { class: "pick-name" }, h("b", {}, code), " ", names[code] || code);
  const redraw = () => renderPickLists(chosen);
  const move = (i, by) => { [chosen[i], chosen[i + by]] = [chosen[i + by], chosen[i]]; redraw(); };
  replaceChildren(document.getElementById("chosen-categories"), chosen.map((code, i) =>
    h("li", { dataset: { code } }, label(code), h("span", { class: "pick-buttons" },
      h("button", { type: "button", class: "small", title: t("categories.up"), "aria-label": t("categories.up"), disabled: i === 0, onclick: () => move(i, -1) }, "↑"),
      h("button", { type: "button", class: "small", title: t("categories.down"), "aria-label": t("categories.down"), disabled: i === chosen.length - 1, onclick: () => move(i, 1) }, "↓"),
      h("button", { type: "button", class: "small", dataset: { remove: code }, onclick: () => { chosen.splice(i, 1); redraw(); } }, t("categories.remove"))))));
  replaceChildren(document.getElementById("available-categories"), context.categories.filter((c) => !chosen.includes(c.code)).map((c) =>
    h("li", { dataset: { code: c.code } }, label(c.code),
      h("button", { type: "button", class: "small", dataset: { add: c.code }, onclick: () => { chosen.push(c.code); redraw(); } }, t("categories.add")))));
  document.getElementById("categories-save").disabled = chosen.length === 0;
}

async function editCategories(w) {
  const dialog = document.getElementById("categories-dialog");
  dialog.querySelector(".dialog-title").textContent = t("categories.title", { window: w.name });
  const chosen = [...w.categories];
  const pending = ask(dialog);
  renderPickLists(chosen);
  if (!(await pending)) return;
  await attempt(() => api("PUT", `/windows/${w.id}/categories`, { categories: chosen, request_id: requestId("categories") }),
    t("done.categories", { window: w.name }));
  await refresh();
}

async function editClerk(w) {
  const dialog = document.getElementById("clerk-dialog");
  dialog.querySelector(".dialog-title").textContent = t("clerk.title", { window: w.name });
  const select = document.getElementById("clerk-select");
  const pending = ask(dialog);
  replaceChildren(select, h("option", { value: "" }, t("clerk.none")), board.clerks.map((c) =>
    h("option", { value: c.username, selected: c.username === w.clerk },
      [c.display_name || c.username, c.staff_no ? `（${c.staff_no}）` : "", c.window_id && c.window_id !== w.id ? t("clerk.home", { window: c.window_id }) : ""].join(""))));
  const data = await pending;
  if (!data) return;
  const clerk = (data.get("other") || "").trim() || data.get("clerk") || null;
  await attempt(() => api("PUT", `/windows/${w.id}/clerk`, { clerk, request_id: requestId("clerk") }),
    t("done.clerk", { window: w.name }));
  await refresh();
}

startPage({ refresh, events: ["window.", "ticket."] }).then(() => {
  for (const zone of context.zones) zoneFilter.append(h("option", { value: zone.code }, zone.name));
  zoneFilter.addEventListener("change", render);
});
