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
    // Four legend entries take about 420 px on one line; on a phone they wrap to two, and the
    // bars must start below the second line or the legend covers the first unit.
    var legendLines = el.clientWidth && el.clientWidth < 440 ? 2 : 1;
    var top = 8 + legendLines * 24;
    el.style.height = Math.max(160, units.length * 28 + 46 + top) + "px";
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, itemGap: legendLines > 1 ? 8 : 10 },
      grid: { left: 8, right: 24, top: top, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: units, inverse: true },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // Side-by-side bars of counts per unit (信息报送: sent and adopted); the series are the
  // keys of data.labels, in their order.
  var COUNT_COLORS = ["#8c959f", "#1a7f37", "#d4a72c", "#cf222e"];

  function unitCounts(el, data) {
    var units = data.units.map(function (u) { return u.unit; });
    var keys = Object.keys(data.labels);
    var series = keys.map(function (key, i) {
      return {
        name: data.labels[key],
        type: "bar",
        barMaxWidth: 12,
        itemStyle: { color: COUNT_COLORS[i % COUNT_COLORS.length] },
        data: data.units.map(function (u) { return u[key]; })
      };
    });
    el.style.height = Math.max(160, units.length * 30 + 78) + "px";
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

  var KINDS = { "unit-lights": unitLights, "unit-counts": unitCounts };

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
