// The frame of every signed-in page: who is signed in, the hall's name, the alarm
// bar, logout, and the live event stream that tells the page when to refresh.
import { api, h, replaceChildren, session, t, toLogin, toast } from "./core.js";

const EVENT_TYPES = [
  "ticket.issued", "ticket.called", "ticket.recalled", "ticket.serving", "ticket.done", "ticket.no_show",
  "ticket.requeued", "ticket.transferred", "ticket.cancelled", "ticket.prioritised", "ticket.suspended",
  "window.state", "window.categories", "window.clerk", "evaluation.recorded", "case.opened", "case.updated",
  "case.closed", "device.health", "help.requested", "help.resolved",
];
const ALARM_PAGES = {
  queue_wait: "queues", queue_length: "queues", queue_unserved: "queues", help_open: "queues", device_offline: "devices",
  paper_out: "devices", paper_near_end: "devices", device_fault: "devices", case_overdue: "cases",
  case_due_soon: "cases",
};

/** A short localised sentence for one alarm from /console/alarms. */
export function alarmText(alarm) {
  return t(`alarm.${alarm.kind}`, alarm.params);
}

async function refreshAlarms() {
  const bar = document.getElementById("alarm-bar");
  const { alarms } = await api("GET", "/console/alarms");
  bar.hidden = alarms.length === 0;
  const shown = alarms.slice(0, 6).map((a) =>
    h("a", { class: `alarm-chip ${a.level}`, href: `/console/${ALARM_PAGES[a.kind] || "windows"}`, dataset: { kind: a.kind } },
      alarmText(a)));
  const more = alarms.length > 6 ? h("span", { class: "alarm-more" }, t("alarm.more", { n: alarms.length - 6 })) : null;
  replaceChildren(bar, h("span", { class: "alarm-label" }, t("alarm.label", { n: alarms.length })), shown, more);
}

function openStream(onEvent) {
  const status = document.getElementById("stream-status");
  const source = new EventSource(`/api/v1/events?access_token=${encodeURIComponent(session.token())}`);
  const mark = (state) => {
    status.dataset.state = state;
    status.textContent = t(`stream.${state}`);
  };
  mark("connecting");
  source.onopen = () => mark("open");
  source.onerror = () => mark("retrying");
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message) => onEvent(type, JSON.parse(message.data)));
  }
  window.addEventListener("pagehide", () => source.close());
  return source;
}

function wireHeader(user) {
  document.getElementById("user-name").textContent = user.display_name || user.username;
  document.getElementById("logout").addEventListener("click", async () => {
    try { await api("POST", "/auth/logout", {}); } catch { /* the session ends here either way */ }
    session.clear();
    location.assign("/console/login");
  });
}

/**
 * Start a signed-in page. `refresh(context)` reloads what the page shows; it runs
 * at start, after every event whose type starts with one of `events` (debounced),
 * and every `interval` ms so waiting times keep moving without events.
 */
export async function startPage({ refresh, events = [], interval = 30000 }) {
  const user = session.get();
  if (!user?.token) {
    toLogin();
    return new Promise(() => {});
  }
  wireHeader(user);
  let context;
  try {
    context = await api("GET", "/console/context");
  } catch (err) {
    // A session that is not a manager's any more (403) starts over at the login page.
    toast(err.message, "error");
    if (err.status === 403) { session.clear(); toLogin(); }
    return new Promise(() => {});
  }
  document.getElementById("hall-name").textContent = context.hall;
  let timer = null;
  let running = Promise.resolve();
  const run = () => {
    running = running.then(() => Promise.all([refresh(context), refreshAlarms()]))
      .then(() => document.body.setAttribute("data-loaded", "true"))
      .catch((err) => toast(err.message, "error"));
    return running;
  };
  const schedule = (delay = 200) => {
    clearTimeout(timer);
    timer = setTimeout(run, delay);
  };
  openStream((type) => {
    if (events.some((prefix) => type.startsWith(prefix))) schedule();
    else if (type.startsWith("help.") || type.startsWith("device.") || type.startsWith("case.")) refreshAlarms().catch(() => {});
  });
  setInterval(run, interval);
  await run();
  return { context, refresh: run, schedule };
}
