/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* Dashboard enhancements; every page works without them:
   - the period picker shows only the boxes of the chosen kind;
   - charts (Chart.js, served from our static files) draw the figures the tables already show;
   - live: polls the small "changes" endpoint every few seconds and, when something changed, swaps in the
     fresh summary (without JavaScript the "Cập nhật" link reloads the page). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function pickers() {
    document.querySelectorAll("form").forEach(function (form) {
      var kind = form.querySelector("select[name=kieu]");
      if (!kind) { return; }
      var update = function () {
        var value = kind.value || "thang";
        form.querySelectorAll("[data-kind]").forEach(function (box) {
          var kinds = box.getAttribute("data-kind").split(" ");
          var shown = kinds.indexOf("*") >= 0 || kinds.indexOf(value) >= 0;
          box.classList.toggle("is-hidden", !shown);
          box.hidden = !shown;
        });
      };
      kind.addEventListener("change", update);
      update();
    });
  }

  var PALETTE = ["#a4161a", "#0b5cad", "#0f5132", "#8a5a00", "#5a3d8a", "#3d4650"];

  function charts() {
    var source = document.getElementById("chart-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent || "null");
    if (!data) { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var kind = canvas.getAttribute("data-chart");
      var set = kind === "grouped" ? data : data[canvas.getAttribute("data-source")];
      if (!set) { return; }
      var config;
      if (kind === "grouped") {
        config = {
          type: "bar",
          data: {
            labels: set.labels,
            datasets: set.datasets.map(function (d, i) {
              return { label: d.label, data: d.values, backgroundColor: PALETTE[i % PALETTE.length] };
            })
          }
        };
      } else {
        config = {
          type: kind,
          data: {
            labels: set.labels,
            datasets: [{ label: set.label, data: set.values, borderColor: PALETTE[0], backgroundColor: kind === "bar" ? PALETTE[1] : PALETTE[0], tension: 0.2, spanGaps: true }]
          }
        };
      }
      config.options = {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } } },
        plugins: { legend: { display: kind === "grouped" } }
      };
      canvas.parentElement.classList.add("has-chart");
      new window.Chart(canvas, config);
    });
  }

  function live() {
    var box = document.querySelector("[data-live]");
    if (!box || !window.fetch) { return; }
    var interval = Math.max(1, parseInt(box.getAttribute("data-interval"), 10) || 3) * 1000;
    var changesUrl = box.getAttribute("data-changes-url");
    var summaryUrl = box.getAttribute("data-summary-url");
    var busy = false;

    function stamp() {
      var summary = document.getElementById("live-summary");
      return summary ? summary.getAttribute("data-stamp") || "" : "";
    }

    function refresh() {
      return fetch(summaryUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var holder = document.createElement("div");
          holder.innerHTML = html;
          var fresh = holder.querySelector("#live-summary");
          var old = document.getElementById("live-summary");
          if (fresh && old) {
            fresh.classList.add("is-fresh");
            old.replaceWith(fresh);
            var state = fresh.querySelector("[data-live-state]");
            if (state) { state.textContent = box.getAttribute("data-updated-text") || ""; }
            setTimeout(function () { fresh.classList.remove("is-fresh"); }, 1500);
          }
        });
    }

    function tick() {
      if (busy || document.hidden) { return; }
      busy = true;
      fetch(changesUrl + "?since=" + encodeURIComponent(stamp()), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) { return data.changed ? refresh() : null; })
        .catch(function () { /* offline or signed out: try again at the next tick */ })
        .then(function () { busy = false; });
    }

    setInterval(tick, interval);
  }

  function start() { pickers(); charts(); live(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
