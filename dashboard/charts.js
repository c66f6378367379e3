// The dashboard's charts, drawn with uPlot (served by the app). Each chart is built once and then
// given new data on every refresh, so refreshing does not flicker.
/* global document, window, uPlot */
"use strict";

(function (dash) {
  const charts = new Map();
  const HEIGHT = 220;

  function widthOf(container) {
    return Math.max(280, container.clientWidth);
  }

  const bars = uPlot.paths.bars({ size: [0.7, 40] });

  const percentAxis = { values: (_chart, ticks) => ticks.map((tick) => `${tick} %`) };

  /** What each chart shows; `points` are the series points of `dash/data`. */
  const SPECS = {
    "chart-accounts": {
      series: [
        { label: "Completed", stroke: "#17b26a", fill: "#17b26a99", paths: bars },
        { label: "Failed", stroke: "#f04438", fill: "#f0443899", paths: bars },
      ],
      axes: [{}],
      data: (points) => [points.map((point) => point.completed), points.map((point) => point.failed)],
    },
    "chart-rate": {
      series: [
        { label: "Items/s", stroke: "#2e90fa", width: 2 },
        { label: "MB/s", stroke: "#9e77ed", width: 2, scale: "mb" },
      ],
      axes: [{}, { scale: "mb", side: 1, grid: { show: false } }],
      data: (points) => [
        points.map((point) => point.itemsPerSecond),
        points.map((point) => point.megabytesPerSecond),
      ],
    },
    "chart-failures": {
      series: [
        { label: "Failure rate", stroke: "#f04438", width: 2, spanGaps: true },
        { label: "Alert threshold", stroke: "#b54708", width: 2, dash: [8, 6] },
      ],
      axes: [percentAxis],
      fromZero: true,
      data: (points, thresholds) => [
        points.map((point) => (point.failureRate === null ? null : point.failureRate * 100)),
        points.map(() => (thresholds ? thresholds.failureRate * 100 : null)),
      ],
    },
    "chart-throttled": {
      series: [
        { label: "Throttled share", stroke: "#f79009", width: 2, spanGaps: true },
        { label: "Alert threshold", stroke: "#b54708", width: 2, dash: [8, 6] },
      ],
      axes: [percentAxis],
      fromZero: true,
      data: (points, thresholds) => [
        points.map((point) => (point.throttledShare === null ? null : point.throttledShare * 100)),
        points.map(() => (thresholds ? thresholds.throttledShare * 100 : null)),
      ],
    },
  };

  // The zone the time axis is drawn in (the waves' own), never the browser's.
  let timeZone = "UTC";

  function build(id, spec, data) {
    const container = document.getElementById(id);
    const options = {
      width: widthOf(container),
      height: HEIGHT,
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), timeZone),
      series: [{}, ...spec.series],
      axes: [{}, ...spec.axes],
      scales: spec.fromZero ? { y: { range: (_chart, _min, max) => [0, Math.max(max ?? 0, 1) * 1.1] } } : {},
      legend: { live: true },
    };
    return new uPlot(options, data, container);
  }

  /** Draws (or redraws) every chart from the series and the alert thresholds. */
  dash.drawCharts = (series, thresholds, zone) => {
    if (zone && zone !== timeZone) {
      // The axis zone is fixed when a chart is built: build them again in the new one.
      timeZone = zone;
      for (const chart of charts.values()) chart.destroy();
      charts.clear();
    }
    const times = series.points.map((point) => point.at / 1000);
    for (const [id, spec] of Object.entries(SPECS)) {
      const data = [times, ...spec.data(series.points, thresholds)];
      const existing = charts.get(id);
      if (existing) existing.setData(data);
      else charts.set(id, build(id, spec, data));
    }
  };

  window.addEventListener("resize", () => {
    for (const [id, chart] of charts) {
      chart.setSize({ width: widthOf(document.getElementById(id)), height: HEIGHT });
    }
  });
})((globalThis.mailferry ??= {}));
