// 差评整改: every case with its deadline and overdue mark; each step of the loop
// (核实, 整改, 反馈, 申诉, 关闭 — whatever GET /console/context lists) with a note; history.
// A self-printed document's case shows its document number and kiosk: it has no window or clerk.
import { api, attempt, fmt, h, replaceChildren, requestId, t, tOr } from "./core.js";
import { startPage } from "./shell.js";

const NOTE_REQUIRED = new Set(["rectify", "reply", "appeal", "uphold_appeal", "reject_appeal"]);
const CLOSED = new Set(["closed", "appeal_upheld"]);
let context = null;
let cases = [];
let details = { cases: {} };
let filter = "open";
let chosen = null;

const stateName = (c) => tOr(`case.state.${c.state}`, c.state_name || c.state);
const isOpen = (c) => !CLOSED.has(c.state);
function dueSoon(c) {
  const left = Date.parse(c.deadline) - Date.parse(details.time);
  return isOpen(c) && !c.overdue && details.due_warning_hours > 0 && left <= details.due_warning_hours * 3600000;
}

function deadlineCell(c) {
  const when = h("span", { class: "nowrap" }, fmt.dateTime(c.deadline));
  if (c.overdue) return h("td", { class: "overdue" }, when, " ", h("span", { class: "tag bad" }, t("cases.overdue")));
  if (dueSoon(c)) return h("td", { class: "due-soon" }, when, " ", h("span", { class: "tag warn" }, t("cases.due_soon")));
  return h("td", {}, when);
}

function matches(c) {
  return { open: isOpen(c), overdue: c.overdue, due: dueSoon(c), closed: !isOpen(c), all: true }[filter];
}

function caseRow(c) {
  const d = details.cases[c.id] || {};
  const e = d.evaluation || {};
  return h("tr", { dataset: { case: c.id, state: c.state }, "aria-selected": String(chosen === c.id), tabindex: "0",
    onclick: () => select(c.id), onkeydown: (ev) => { if (ev.key === "Enter") select(c.id); } },
    h("td", { class: "ticket" }, h("b", {}, d.ticket_number || d.doc_no || "—")),
    h("td", {}, h("span", { class: `lvl lvl-${c.level}` }, tOr(`level.${c.level}`, c.level_name))),
    h("td", {}, (e.reasons || []).join("、") || "—"),
    h("td", {}, d.window_name || (d.kiosk ? t("cases.kiosk", { kiosk: d.kiosk }) : "—")),
    h("td", {}, d.clerk_name || "—"),
    h("td", {}, h("span", { class: `pill ${isOpen(c) ? "state-paused" : "state-closed"}` }, stateName(c))),
    h("td", { class: "nowrap" }, fmt.dateTime(c.opened_at)),
    deadlineCell(c));
}

function stepForm(c, draft) {
  const steps = Object.entries(context.case_actions).filter(([, rule]) => rule.from.includes(c.state));
  if (!steps.length) return h("p", { class: "muted" }, t("cases.finished"));
  const note = h("textarea", { id: "case-note", maxlength: "2000", placeholder: t("cases.note_hint") });
  note.value = draft;
  const error = h("p", { class: "form-error", role: "alert" });
  const run = async (action) => {
    const text = note.value.trim();
    if (NOTE_REQUIRED.has(action) && !text) {
      error.textContent = t("cases.note_required", { action: tOr(`case.action.${action}`, action) });
      note.focus();
      return;
    }
    const ok = await attempt(() => api("POST", `/cases/${c.id}/${action}`, { note: text || null, request_id: requestId(action) }),
      t("done.case", { action: tOr(`case.action.${action}`, action) }));
    if (ok) note.value = "";
    await refresh();
  };
  return h("div", { class: "steps" }, h("h3", {}, t("cases.next_step")),
    h("label", { class: "field" }, t("cases.note"), note), error,
    h("div", { class: "step-buttons" }, steps.map(([action]) =>
      h("button", { type: "button", class: action === "appeal" ? "" : "primary", dataset: { step: action }, onclick: () => run(action) },
        tOr(`case.action.${action}`, action)))));
}

function history(c) {
  return h("ol", { class: "timeline" }, (c.history || []).map((step) =>
    h("li", {}, h("div", {}, h("b", {}, tOr(`case.action.${step.action}`, step.action)), " → ",
      tOr(`case.state.${step.to_state}`, step.to_state)),
      h("div", { class: "when" }, `${fmt.dateTime(step.at)} · ${step.actor || ""}`),
      step.note ? h("div", {}, step.note) : null)));
}

function renderDetail() {
  const body = document.getElementById("case-detail-body");
  const c = cases.find((x) => x.id === chosen);
  if (!c) return replaceChildren(body, h("p", { class: "empty" }, t("cases.pick")));
  // A refresh (a live event) must not wipe a note being typed for the same case.
  const draft = body.dataset.case === c.id ? document.getElementById("case-note")?.value || "" : "";
  body.dataset.case = c.id;
  const d = details.cases[c.id] || {};
  const e = d.evaluation || {};
  const row = (label, value) => [h("dt", {}, label), h("dd", {}, value ?? "—")];
  replaceChildren(body,
    h("dl", { class: "kv" },
      d.doc_no ? row(t("cases.f.document"), d.doc_no) : row(t("cases.f.ticket"), d.ticket_number),
      row(t("cases.f.level"), h("span", { class: `lvl lvl-${c.level}` }, tOr(`level.${c.level}`, c.level_name))),
      row(t("cases.f.reasons"), (e.reasons || []).join("、") || null),
      row(t("cases.f.comment"), e.comment),
      row(t("cases.f.channel"), e.channel ? tOr(`channel.${e.channel}`, e.channel) : null),
      row(t("cases.f.service"), [d.category_name, d.service_name].filter(Boolean).join(" · ") || null),
      d.doc_no ? row(t("cases.f.kiosk"), d.kiosk) : row(t("cases.f.window"), d.window_name),
      d.doc_no ? null : row(t("cases.f.clerk"), d.clerk_name),
      row(t("cases.f.state"), stateName(c)),
      row(t("cases.f.deadline"), h("span", { class: c.overdue ? "overdue" : "" }, fmt.dateTime(c.deadline),
        c.overdue ? ` ${t("cases.overdue")}` : ""))),
    stepForm(c, draft), h("h3", {}, t("cases.history")), history(c));
}

function render() {
  const open = cases.filter(isOpen);
  replaceChildren(document.getElementById("case-summary"),
    h("span", { class: "count" }, t("cases.count.open"), h("b", {}, open.length)),
    h("span", { class: "count" }, t("cases.count.overdue"), h("b", { class: "overdue" }, open.filter((c) => c.overdue).length)),
    h("span", { class: "count" }, t("cases.count.due"), h("b", {}, open.filter(dueSoon).length)));
  const shown = cases.filter(matches);
  replaceChildren(document.querySelector("#case-table tbody"), shown.length
    ? shown.map(caseRow) : h("tr", {}, h("td", { colspan: 8, class: "empty" }, t("cases.none"))));
  for (const button of document.querySelectorAll("#case-filter button")) button.setAttribute("aria-pressed", String(button.dataset.filter === filter));
  renderDetail();
}

function select(id) {
  chosen = id;
  render();
}

async function refresh(ctx) {
  if (ctx) context = ctx;
  const [list, more] = await Promise.all([api("GET", "/cases"), api("GET", "/console/case-details")]);
  cases = list.cases;
  details = more;
  if (!chosen && cases.length) chosen = (cases.find((c) => isOpen(c) && c.overdue) || cases.find(isOpen) || cases[0]).id;
  render();
}

for (const button of document.querySelectorAll("#case-filter button")) {
  button.addEventListener("click", () => { filter = button.dataset.filter; render(); });
}
startPage({ refresh, events: ["case.", "evaluation."] });
