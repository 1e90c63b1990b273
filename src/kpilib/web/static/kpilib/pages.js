// The behaviour of kpilib's pages, in one static file so that the Content-Security-Policy
// allows scripts from this site only (no inline script, no inline event handler).
// Each part acts only when its page's elements are present; charts are drawn on load and
// again after an HTMX swap brings new chart data.
(function () {
  "use strict";

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function chartOn(id) {
    var node = document.getElementById(id);
    if (!node || !window.echarts) return null;
    return window.echarts.getInstanceByDom(node) || window.echarts.init(node);
  }

  var charts = {
    "ahp-chart": function (chart, data, node) {
      chart.setOption({tooltip: {trigger: "axis"}, legend: {bottom: 0}, grid: {left: 8, right: 16, top: 8, bottom: 40, containLabel: true},
        xAxis: {type: "value", axisLabel: {formatter: "{value}%"}}, yAxis: {type: "category", data: data.indicators, inverse: true},
        series: [{name: node.dataset.labelBase, type: "bar", data: data.base}, {name: node.dataset.labelAdjusted, type: "bar", data: data.adjusted}]});
    },
    "theme-shares": function (chart, data) {
      chart.setOption({tooltip: {trigger: "axis"}, legend: {bottom: 0}, grid: {left: 8, right: 16, top: 16, bottom: 48, containLabel: true},
        xAxis: {type: "value", max: 100}, yAxis: {type: "category", data: data.plans}, series: data.series});
    },
    "trend": function (chart, data) {
      chart.setOption({tooltip: {trigger: "axis"}, grid: {left: 8, right: 16, top: 16, bottom: 8, containLabel: true},
        xAxis: {type: "category", data: data.map(function (d) { return d.period; })}, yAxis: {type: "value", min: 0, max: 100},
        series: [{type: "line", showSymbol: true, symbolSize: 9, data: data.map(function (d) { return d.total === null ? null : Math.round(d.total * 100) / 100; }), label: {show: true}}]});
    },
    // A 360 report's trend: overall and each competency per closed campaign; a withheld
    // figure is null, a gap in its line (never a number).
    "feedback-trend": function (chart, data) {
      chart.setOption({tooltip: {trigger: "axis"}, legend: {bottom: 0, type: "scroll"}, grid: {left: 8, right: 16, top: 16, bottom: 40, containLabel: true},
        xAxis: {type: "category", data: data.campaigns}, yAxis: {type: "value", min: 1, max: 5},
        series: data.series.map(function (s) { return {name: s.name, type: "line", showSymbol: true, symbolSize: 8, data: s.data}; })});
    },
    "heatmap": function (chart, data) {
      chart.setOption({tooltip: {position: "top"}, grid: {left: 8, right: 8, top: 8, bottom: 70, containLabel: true},
        xAxis: {type: "category", data: data.indicators, axisLabel: {rotate: 30}}, yAxis: {type: "category", data: data.people, inverse: true},
        visualMap: {min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0, inRange: {color: ["#fdecea", "#fff4e5", "#e6f4ea", "#1f7a4d"]}},
        series: [{type: "heatmap", data: data.cells, label: {show: data.people.length <= 30}}]});
    }
  };

  var MeterColours = {red: "#d93025", amber: "#f29900", green: "#1e8e3e", grey: "#bdc1c6"};

  // A target meter: the coloured ranges, the pointer at the actual figure, and a thin
  // second pointer marking the target (the home page's "My targets").
  function drawMeter(node) {
    var data = readData(node.dataset.meter);
    if (!data || !window.echarts) return;
    var chart = window.echarts.getInstanceByDom(node) || window.echarts.init(node);
    var scale = {type: "gauge", min: data.min, max: data.max, startAngle: 200, endAngle: -20, radius: "95%",
      splitNumber: 4, axisTick: {show: false}, splitLine: {length: 6},
      // only the ends of the scale are labelled: the quarters between are rarely round
      axisLabel: {distance: 14, fontSize: 10, formatter: function (v) { return v === data.min || v === data.max ? String(Math.round(v * 100) / 100) : ""; }}};
    chart.setOption({animation: false, series: [
      Object.assign({}, scale, {axisLine: {lineStyle: {width: 12, color: data.bands.map(function (b) { return [b[0], MeterColours[b[1]]]; })}},
        pointer: {width: 5}, detail: {fontSize: 16, offsetCenter: [0, "55%"], formatter: function (v) { return v === null ? "—" : Math.round(v * 100) / 100; }},
        data: [{value: data.value}]}),
      Object.assign({}, scale, {axisLine: {show: false}, axisLabel: {show: false}, splitLine: {show: false},
        pointer: {width: 2, length: "100%", itemStyle: {color: "#202124"}}, detail: {show: false}, title: {show: false},
        data: [{value: data.target}]})
    ]});
  }

  function drawCharts() {
    Object.keys(charts).forEach(function (id) {
      var data = readData(id + "-data");
      var chart = data === null ? null : chartOn(id);
      if (chart) charts[id](chart, data, document.getElementById(id));
    });
    document.querySelectorAll("[data-meter]").forEach(drawMeter);
  }

  function setUpCalibration() {
    var form = document.getElementById("move-form");
    if (!form) return;
    var dragged = null;
    document.querySelectorAll(".chip").forEach(function (chip) {
      chip.addEventListener("dragstart", function () { dragged = chip.dataset.scorecard; });
    });
    document.querySelectorAll(".lane").forEach(function (lane) {
      lane.addEventListener("dragover", function (event) { event.preventDefault(); });
      lane.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!dragged) return;
        form.action = "/scorecards/" + dragged + "/calibrate/";
        document.getElementById("move-grade").value = lane.dataset.grade;
        document.getElementById("move-dialog").showModal();
      });
    });
  }

  // A select with data-autosubmit sends its form when it changes.
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit], input[data-autosubmit]")) event.target.form.submit();
  });

  // The daily report review queue: 1 / 2 / 3 rate the focused report (−1 / 0 / +1),
  // j / k move to the next / previous one; typing in a field is left alone.
  document.addEventListener("keydown", function (event) {
    var queue = document.querySelector("[data-review-queue]");
    if (!queue || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.matches("input, textarea, select")) return;
    var items = Array.prototype.slice.call(queue.querySelectorAll(".report-item:not(.rated)"));
    if (!items.length) return;
    var current = event.target.closest ? event.target.closest(".report-item:not(.rated)") : null;
    var index = current ? items.indexOf(current) : -1;
    if (event.key === "j" || event.key === "k") {
      var next = items[Math.max(0, Math.min(items.length - 1, index + (event.key === "j" ? 1 : -1)))];
      next.focus();
      event.preventDefault();
      return;
    }
    var item = current || items[0];
    var button = item.querySelector("[data-rating-key='" + event.key + "']");
    if (button) { event.preventDefault(); button.click(); }
  });
  // After a rating is swapped in, the next report waiting takes the focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.target.closest || !event.target.closest("[data-review-queue]")) return;
    var next = document.querySelector("[data-review-queue] .report-item:not(.rated)");
    if (next) next.focus();
  });

  document.addEventListener("click", function (event) {
    var target = event.target;
    // A button with data-close-dialog closes the dialog it sits in.
    var closer = target.closest("[data-close-dialog]");
    if (closer) closer.closest("dialog").close();
    // A checkbox with data-check-all="name" sets every checkbox of that name.
    if (target.matches("input[data-check-all]")) {
      document.querySelectorAll("input[name='" + target.dataset.checkAll + "']").forEach(function (box) { box.checked = target.checked; });
    }
  });

  // The plan editor shows the running total of the weights.
  document.addEventListener("input", function (event) {
    if (!event.target.classList.contains("weight-input")) return;
    var total = 0;
    document.querySelectorAll(".weight-input").forEach(function (input) { total += parseFloat(input.value) || 0; });
    var shown = document.getElementById("weight-total");
    if (shown) shown.textContent = Math.round(total * 1000) / 1000;
  });

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    setUpCalibration();
  });
  document.addEventListener("htmx:afterSettle", drawCharts);
})();
