// The migration dashboard: signs in with an admin token (typed, or from #token=...), then polls
// /_dashboard/data every 2 s and redraws. Text is always set with textContent (no markup from data);
// every state is a word as well as a colour.
(function () {
  "use strict";
  var POLL_MS = 2000;
  var KEY = "hexa.dashboard.token";
  var charts = {};
  var timer = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function fmt(value, digits) {
    if (value === null || value === undefined || Number.isNaN(value)) return "–";
    return typeof value === "number" ? value.toFixed(digits === undefined ? 0 : digits) : String(value);
  }
  function pct(value) { return value === null || value === undefined ? "–" : (value * 100).toFixed(1) + " %"; }
  function number(label, value) {
    var box = el("div", null, "number");
    box.appendChild(el("span", label, "label"));
    box.appendChild(el("span", value, "value"));
    return box;
  }
  function fill(id, nodes) {
    var target = $(id);
    target.replaceChildren.apply(target, nodes);
  }
  function rows(tableId, data) {
    var body = $(tableId).querySelector("tbody");
    body.replaceChildren.apply(body, data.map(function (cells) {
      var tr = el("tr");
      cells.forEach(function (cell, i) {
        var td = cell instanceof Node ? (function () { var t = el("td"); t.appendChild(cell); return t; })()
                                      : el("td", cell, i > 0 ? "num" : "");
        tr.appendChild(td);
      });
      return tr;
    }));
  }
  function stateWord(state) {
    var words = { ok: ["✓ ok", "ok"], firing: ["✗ firing", "bad"], inconclusive: ["? inconclusive", "warn"] };
    var w = words[state] || [state, ""];
    return el("span", w[0], "state " + w[1]);
  }

  // ------------------------------------------------------------------ charts (uPlot, vendored)
  // a chart's width comes from its container, never from itself (a drawn chart must not widen its cell)
  function widthFor(id) {
    var host = $(id);
    if (id.indexOf("gate-") === 0) {
      var all = $("gate-charts").clientWidth || 600;
      var cols = all >= 1100 ? 4 : all >= 560 ? 2 : 1;
      return Math.max(220, Math.floor((all - (cols - 1) * 8) / cols));
    }
    return Math.max(220, host.parentElement.clientWidth - 4);
  }
  function chart(id, title, labels, data) {
    var host = $(id);
    if (!host) return;
    if (data[0].length === 1) {  // one point: give the time axis the minute before it, not a span of years
      data = data.map(function (column, i) { return i === 0 ? [column[0] - 60, column[0]] : [null, column[0]]; });
    }
    var width = widthFor(id);
    var series = [{}].concat(labels.map(function (label, i) {
      return { label: label, stroke: ["#0969da", "#8250df", "#bf8700", "#1b7f3b"][i % 4], width: 2,
               dash: label === "threshold" ? [6, 4] : undefined, points: { show: true, size: 4 } };
    }));
    if (!charts[id] || charts[id].width !== width || charts[id].series.length !== series.length) {
      if (charts[id]) charts[id].plot.destroy();
      host.replaceChildren();
      var plot = new uPlot({ title: title, width: width, height: 170, series: series,
                             scales: { x: { time: true } }, legend: { show: true } }, data, host);
      charts[id] = { plot: plot, width: width, series: series };
    } else {
      charts[id].plot.setData(data);
    }
  }
  function historyChart(id, title, history, keys, labels) {
    var xs = history.map(function (p) { return p.t; });
    var columns = keys.map(function (k) {
      return history.map(function (p) { return p[k] === undefined ? null : p[k]; });
    });
    var any = columns.some(function (c) { return c.some(function (v) { return v !== null; }); });
    if (!any) {
      if (charts[id]) { charts[id].plot.destroy(); delete charts[id]; }
      fill(id, [el("p", title + ": no data yet.", "empty")]);
      return;
    }
    chart(id, title, labels, [xs].concat(columns));
  }
  function gateCharts(audit, thresholds) {
    var evaluations = audit.filter(function (e) { return e.gates; });
    var host = $("gate-charts");
    var names = ["MigrationErrorRate", "CrossServiceLatency", "EventProcessingLag", "DataInconsistency"];
    if (!evaluations.length) { fill("gate-charts", [el("p", "No evaluation yet.")]); charts = pruneGates(); return; }
    if (host.querySelector("p")) host.replaceChildren();
    names.forEach(function (name) {  // every cell first, so each chart is sized to the final layout
      if (!$("gate-" + name)) { var d = el("div"); d.id = "gate-" + name; host.appendChild(d); }
    });
    names.forEach(function (name) {
      var id = "gate-" + name;
      var xs = evaluations.map(function (e) { return Date.parse(e.at) / 1000; });
      var values = evaluations.map(function (e) { var g = e.gates[name]; return g && g.value !== null ? Number(g.value) : null; });
      var limit = evaluations.map(function (e) { var g = e.gates[name]; return g ? Number(g.threshold) : null; });
      chart(id, name, [name, "threshold"], [xs, values, limit]);
    });
  }
  function pruneGates() {
    Object.keys(charts).forEach(function (id) { if (id.indexOf("gate-") === 0) { charts[id].plot.destroy(); delete charts[id]; } });
    return charts;
  }

  // ------------------------------------------------------------------ panels
  function renderRollout(r) {
    if (r.error) { fill("rollout-numbers", [el("p", "Rollout unavailable: " + r.error, "error")]); return; }
    var s = r.state;
    var nums = [number("green (facade)", fmt(r.traffic.green_percent, 0) + " %"),
                number("shadow", fmt(r.traffic.shadow_percent, 0) + " %")];
    if (s) {
      nums.unshift(number("state", s.status));
      if (s.plan) nums.push(number("step", (s.step + 1) + " of " + s.plan.steps.length));
      if (s.last && s.last.shadow) nums.push(number("shadow mismatch", pct(s.last.shadow.mismatch_rate)));
    } else {
      nums.unshift(number("state", "no rollout yet"));
    }
    var verify = r.last_verify;
    nums.push(number("last verify", verify ? (verify.ok ? "✓ OK" : "✗ NOT OK") + " · " + verify.at.replace("T", " ")
                                          : "never (hexa migrate verify)"));
    fill("rollout-numbers", nums);
    var reason = s && s.reason ? s.reason : "";
    var gates = s && s.last && s.last.gates ? s.last.gates : {};
    rows("gates", Object.keys(gates).map(function (name) {
      var g = gates[name];
      return [name, fmt(g.value, 3), fmt(g.threshold, 3), fmt(g.window_s, 0) + " s", stateWord(g.state)];
    }));
    gateCharts(r.audit || [], s && s.plan ? s.plan.thresholds : null);
    var items = (r.audit || []).slice().reverse().slice(0, 60).map(function (e) {
      return el("li", e.at.replace("T", " ").replace("Z", "") + " · " + fmt(e.percent, 0) + " % · " + e.decision +
                (e.reasons && e.reasons.length ? " — " + e.reasons.join("; ") : "") + (e.reason ? " — " + e.reason : ""));
    });
    if (reason) items.unshift(el("li", "Now: " + s.status + " — " + reason, "state"));
    fill("timeline", items.length ? items : [el("li", "No decision yet.")]);
  }

  function renderBusiness(b, history) {
    if (b.error) { fill("business-numbers", [el("p", "Business numbers unavailable: " + b.error, "error")]); return; }
    fill("business-numbers", [
      number("active partners", fmt(b.active_partners)), number("campaigns", fmt(b.campaigns)),
      number("campaigns, last hour", fmt(b.campaigns_last_hour)), number("contracts signed", fmt(b.contracts_signed)),
      number("signed, last hour", fmt(b.contracts_signed_last_hour))]);
    historyChart("business-chart", "Business, this session", history,
                 ["active_partners", "campaigns", "contracts_signed"], ["active partners", "campaigns", "contracts signed"]);
  }

  function renderTechnical(t, history) {
    if (t.error) { fill("cdc-numbers", [el("p", "Technical numbers unavailable: " + t.error, "error")]); return; }
    var line = function (name, v) { return [name, fmt(v.requests), fmt(v.p50_ms, 1), fmt(v.p95_ms, 1), pct(v.error_rate)]; };
    var sides = Object.keys(t.sides || {}).sort().map(function (s) { return line(s, t.sides[s]); });
    rows("sides", sides.length ? sides : [["(no facade: blue/green not running)", "", "", "", ""]]);
    rows("contexts", Object.keys(t.contexts || {}).sort().map(function (c) { return line(c, t.contexts[c]); }));
    rows("consumers", Object.keys(t.consumers || {}).sort().map(function (c) {
      var v = t.consumers[c];
      return [c, fmt(v.events), fmt(v.failures), fmt(v.age_p95_ms, 1)];
    }));
    var cdc = t.cdc;
    fill("cdc-numbers", cdc ? [number("lag blue → green", fmt(cdc.blue_to_green, 2) + " s"),
                               number("pending blue → green", fmt(cdc.blue_to_green_pending)),
                               number("lag green → blue", fmt(cdc.green_to_blue, 2) + " s")]
                            : [number("change capture", "not running")]);
    historyChart("latency-chart", "p95 latency per side (ms)", history, ["green_p95_ms", "blue_p95_ms"], ["green", "blue"]);
  }

  function renderInfrastructure(i) {
    if (i.error) { fill("infra-numbers", [el("p", "Infrastructure unavailable: " + i.error, "error")]); return; }
    rows("processes", (i.processes || []).map(function (p) {
      return [p.name + (p.up ? "" : " (not running)"), fmt(p.cpu_percent, 1), fmt(p.rss_mb, 1)];
    }));
    fill("infra-numbers", i.postgres ? [number("PostgreSQL connections", i.postgres.connections + " of " + i.postgres.max_connections)]
                                     : [number("PostgreSQL", "not in use")]);
  }

  function renderIntegration(g) {
    if (g.error) { fill("checks", [el("li", "Health checks unavailable: " + g.error, "error")]); return; }
    fill("checks", (g.checks || []).map(function (c) {
      var li = el("li");
      li.appendChild(el("span", c.ok ? "✓ UP" : "✗ DOWN", "state " + (c.ok ? "ok" : "bad")));
      li.appendChild(el("span", c.name));
      li.appendChild(el("span", fmt(c.ms, 1) + " ms · " + c.detail, "detail"));
      return li;
    }));
  }

  function render(data) {
    $("meta").textContent = "stack " + data.stack + " · " + (data.blue_green ? "blue/green" : "green only") +
                            " · updated " + data.at;
    renderRollout(data.rollout || {});
    renderBusiness(data.business || {}, data.history || []);
    renderTechnical(data.technical || {}, data.history || []);
    renderInfrastructure(data.infrastructure || {});
    renderIntegration(data.integration || {});
  }

  // ------------------------------------------------------------------ session
  function signedIn(on) {
    $("sign-in").hidden = on;
    $("panels").hidden = !on;
    $("sign-out").hidden = !on;
    if (!on) { $("meta").textContent = ""; }
  }
  function signOut(message) {
    sessionStorage.removeItem(KEY);
    if (timer) { clearTimeout(timer); timer = null; }
    signedIn(false);
    $("sign-in-error").textContent = message || "";
  }
  function poll() {
    var token = sessionStorage.getItem(KEY);
    if (!token) { signOut(); return; }
    fetch("/_dashboard/data", { headers: { Authorization: "Bearer " + token }, cache: "no-store" })
      .then(function (answer) {
        if (answer.status === 401 || answer.status === 403) {
          return answer.json().then(function (body) { signOut("Not signed in: " + body.error.message); });
        }
        if (!answer.ok) throw new Error("HTTP " + answer.status);
        return answer.json().then(function (data) { signedIn(true); render(data); });
      })
      .catch(function (error) { $("meta").textContent = "cannot reach the dashboard (" + error.message + "); retrying"; })
      .then(function () { if (sessionStorage.getItem(KEY)) timer = setTimeout(poll, POLL_MS); });
  }
  function start(token) {
    sessionStorage.setItem(KEY, token.trim());
    $("sign-in-error").textContent = "";
    if (timer) clearTimeout(timer);
    poll();
  }

  $("sign-in-form").addEventListener("submit", function (event) {
    event.preventDefault();
    start($("token").value);
    $("token").value = "";
  });
  $("sign-out").addEventListener("click", function () { signOut("Signed out."); });
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (id) { charts[id].width = -1; }); });

  function fromFragment() {
    var match = /(?:^|&)token=([^&]+)/.exec(window.location.hash.slice(1));
    if (!match) return false;
    history.replaceState(null, "", window.location.pathname);  // the token leaves the address bar
    start(decodeURIComponent(match[1]));
    return true;
  }
  window.addEventListener("hashchange", fromFragment);  // the link pasted into an open tab
  if (!fromFragment()) {
    if (sessionStorage.getItem(KEY)) poll(); else signedIn(false);
  }
})();
