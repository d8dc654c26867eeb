/* Charts drawn with the vendored Apache ECharts. Data comes from a json_script element named by
   data-source, so no inline script is needed (the CSP allows scripts from this origin only). */
(function () {
  "use strict";
  var COLORS = { red: "#cf222e", yellow: "#d4a72c", green: "#1a7f37", done: "#8c959f" };
  var ORDER = ["red", "yellow", "green", "done"];

  function unitLights(el, data) {
    var units = data.units.map(function (u) { return u.unit; });
    var series = ORDER.map(function (light) {
      return {
        name: data.labels[light],
        type: "bar",
        stack: "total",
        barMaxWidth: 22,
        itemStyle: { color: COLORS[light] },
        emphasis: { focus: "series" },
        data: data.units.map(function (u) { return u[light]; })
      };
    });
    el.style.height = Math.max(160, units.length * 28 + 70) + "px";
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: units, inverse: true },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var KINDS = { "unit-lights": unitLights };

  function draw() {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      var kind = KINDS[el.dataset.chart];
      if (source && kind) { kind(el, JSON.parse(source.textContent)); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
