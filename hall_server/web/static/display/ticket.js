/* The resident's phone page: polls the public ticket status every few seconds.
 * The API returns number, state, people ahead, estimated wait and the window when
 * called; never a name or an ID number, and this page shows nothing else.
 * When the ticket is called the page says which window, and vibrates where it can. */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("ticket-config").textContent);
  var lastState = null;
  var STATES = {
    waiting: { text: "等候中", detail: "请在大厅留意叫号" },
    called: { text: "", detail: "" },
    serving: { text: "正在办理", detail: "" },
    suspended: { text: "办理暂停", detail: "请按窗口工作人员的提示补充材料后继续办理" },
    done: { text: "已办结", detail: "感谢您的耐心等候，欢迎对本次服务作出评价" },
    no_show: { text: "已过号", detail: "" },
    cancelled: { text: "号票已取消", detail: "如需办理请重新取号" },
    expired: { text: "号票已失效", detail: "号票仅当天有效，如需办理请重新取号" }
  };

  function $(id) { return document.getElementById(id); }

  var TEXTS = {
    called: "请到 {window} 号窗口办理",
    serving: "正在 {window} 号窗口办理",
    no_show: "如需继续办理，请到{desk}咨询"
  };

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key] === undefined ? "" : String(values[key]); });
  }

  function render(ticket) {
    var shown = STATES[ticket.state] || { text: ticket.state, detail: "" };
    document.body.dataset.state = ticket.state;
    $("number").textContent = ticket.number;
    $("category").textContent = ticket.category_name || "";
    var stateText = shown.text, detail = shown.detail;
    var values = { window: ticket.window ? ticket.window.number : "", desk: cfg.hall.help_desk };
    if (ticket.state === "called") {
      stateText = fill(TEXTS.called, values);
      detail = ticket.window ? ticket.window.name : "";
    } else if (ticket.state === "serving") {
      stateText = fill(TEXTS.serving, values);
    } else if (ticket.state === "no_show") {
      detail = fill(TEXTS.no_show, values);
    }
    $("state").textContent = stateText;
    $("detail").textContent = detail;
    var waiting = ticket.state === "waiting" && ticket.ahead !== null;
    $("facts").hidden = !waiting;
    if (waiting) {
      $("ahead").textContent = String(ticket.ahead);
      $("wait").textContent = String(ticket.est_wait_min);
    }
    $("hint").hidden = ticket.state !== "waiting";
    document.title = (ticket.state === "called" ? stateText + " · " : "") + ticket.number + " · 排队进度";
    if (ticket.state === "called" && lastState !== null && lastState !== "called" && navigator.vibrate) {
      navigator.vibrate([400, 200, 400, 200, 400]);
    }
    lastState = ticket.state;
  }

  function stamp(text) {
    var now = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    $("updated").textContent = text + " " + two(now.getHours()) + ":" + two(now.getMinutes()) + ":" + two(now.getSeconds());
  }

  function poll() {
    fetch("/api/v1/ticket-status/" + encodeURIComponent(cfg.status_token), { cache: "no-store" })
      .then(function (r) {
        if (r.status === 404) {
          document.body.dataset.state = "unknown";
          $("state").textContent = "没有找到这张号票";
          $("detail").textContent = "号票可能已过期，请核对号票上的二维码";
          $("hint").hidden = true;
          return null;
        }
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      })
      .then(function (ticket) {
        if (ticket) { render(ticket); stamp("更新于"); }
      })
      .catch(function () { stamp("网络不稳定，正在重试 ·"); })
      .then(function () { setTimeout(poll, cfg.poll_seconds * 1000); });
  }

  poll();
})();
