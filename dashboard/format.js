// Formatting and small DOM helpers the dashboard's scripts share (loaded first, as a plain script).
/* global document, Node */
"use strict";

(function (dash) {
  const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

  /** A whole number with thousands separators. */
  dash.count = (value) => numberFormat.format(value ?? 0);

  /** A share 0..1 as a percentage; a dash when unknown. */
  dash.percent = (share, digits = 1) =>
    share === null || share === undefined ? "–" : `${(share * 100).toFixed(digits)} %`;

  /** Bytes in binary units. */
  dash.bytes = (value) => {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let amount = value ?? 0;
    let unit = 0;
    while (amount >= 1024 && unit < units.length - 1) {
      amount /= 1024;
      unit += 1;
    }
    return `${amount.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
  };

  const timeFormats = new Map();

  /**
   * An ISO time as `Mon 2025-03-03 19:00 +01:00`: wall-clock time in `timeZone` (a wave's zone;
   * UTC for what belongs to no wave) with its offset, never the browser's zone; a dash when absent.
   * The same format as the CLI's.
   */
  dash.time = (iso, timeZone = "UTC") => {
    if (!iso) return "–";
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) return "–";
    let format = timeFormats.get(timeZone);
    if (!format) {
      format = new Intl.DateTimeFormat("en-GB", {
        timeZone,
        weekday: "short",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
        timeZoneName: "longOffset",
      });
      timeFormats.set(timeZone, format);
    }
    const parts = {};
    for (const part of format.formatToParts(at)) parts[part.type] = part.value;
    const offset = (parts.timeZoneName ?? "GMT").replace(/^GMT/, "") || "+00:00";
    return `${parts.weekday} ${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${offset}`;
  };

  /** Creates an element with attributes and children (strings become text, never HTML). */
  dash.el = (tag, attributes = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "class") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  };

  /** Replaces an element's children. */
  dash.fill = (id, ...children) => document.getElementById(id).replaceChildren(...children.flat());

  /**
   * A table with a header row, in a wrapper that scrolls sideways on a narrow screen so the table
   * never spills out of its card; `rows` are arrays of cells (a cell may be a node).
   */
  dash.table = (headings, rows, attributes = {}) =>
    dash.el(
      "div",
      { class: "table-wrap" },
      dash.el(
        "table",
        attributes,
        dash.el(
          "thead",
          {},
          dash.el(
            "tr",
            {},
            headings.map((heading) => dash.el("th", { scope: "col" }, heading)),
          ),
        ),
        dash.el("tbody", {}, rows),
      ),
    );
})((globalThis.mailferry ??= {}));
