// Draws each report chart (Chart.js, vendored) from its JSON data island: a <script
// type="application/json" id="…-data"> written by json_script, named by the canvas's
// data-report-chart. No inline script (the Content-Security-Policy allows only VIK's files);
// the table beside each chart carries the same numbers for screen readers and print.
(function () {
  "use strict";
  var number = new Intl.NumberFormat("cs-CZ", { maximumFractionDigits: 1 });
  function unit(kind) {
    return kind === "percent" ? "\u00a0%" : kind === "minutes" ? "\u00a0min" : "";
  }
  function draw(canvas) {
    var island = document.getElementById(canvas.getAttribute("data-report-chart"));
    if (!island || !window.Chart) { return; }
    var data = JSON.parse(island.textContent);
    var kind = data.kind === "stacked_bar" ? "bar" : data.kind;
    var pie = kind === "pie";
    var colours = data.colours;
    var datasets = data.series.map(function (series, index) {
      var colour = colours[index % colours.length];
      return {
        label: series.label,
        data: series.values,
        backgroundColor: pie ? data.labels.map(function (_l, i) { return colours[i % colours.length]; }) : colour,
        borderColor: pie ? "#ffffff" : colour,
        borderWidth: kind === "line" ? 2 : 1,
        pointRadius: kind === "line" ? 2 : 0,
        tension: 0.2,
        unitKind: series.kind
      };
    });
    var stacked = data.kind === "stacked_bar";
    var whole = data.series.every(function (series) { return series.kind === "count"; });
    var chart = new window.Chart(canvas, {
      type: kind,
      data: { labels: data.labels, datasets: datasets },
      options: {
        locale: "cs-CZ",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: pie || datasets.length > 1, position: "bottom", labels: { color: "#1b1f24" } },
          tooltip: {
            callbacks: {
              label: function (item) {
                var value = item.raw === null ? "–" : number.format(item.raw) + unit(item.dataset.unitKind);
                return (item.dataset.label ? item.dataset.label + ": " : "") + value;
              }
            }
          }
        },
        scales: pie ? {} : {
          x: { stacked: stacked, ticks: { color: "#1b1f24", maxRotation: 0, autoSkip: true }, grid: { display: false } },
          y: { stacked: stacked, beginAtZero: true, ticks: { color: "#1b1f24", precision: whole ? 0 : undefined, callback: function (v) { return number.format(v); } } }
        }
      }
    });
    canvas.setAttribute("data-drawn", "1");
    window.addEventListener("beforeprint", function () { chart.resize(); });
  }
  function start() {
    var canvases = document.querySelectorAll("canvas[data-report-chart]");
    for (var i = 0; i < canvases.length; i++) { draw(canvases[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
