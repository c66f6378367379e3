// The account grid: a wave's accounts with their per-user statistics (ops/waves/{wave}/users),
// a page at a time, filtered by status, stall and UPN and sorted by the server. app.js hands it
// the waves and its API call on every refresh (mailferry.grid.update).
/* global document, setTimeout, clearTimeout, URLSearchParams */
"use strict";

(function (dash) {
  const { el, fill, count, bytes, time } = dash;
  const PAGE = 25;

  /** The grid's columns; `sort` names the server's sort key for the sortable ones. */
  const COLUMNS = [
    { label: "Account" },
    { label: "Status" },
    { label: "Done", sort: "percent" },
    { label: "Items" },
    { label: "Size", sort: "size" },
    { label: "Bad / large" },
    { label: "Last sync", sort: "lastSync" },
    { label: "Took" },
    { label: "Consistency" },
    { label: "Waiting / notes" },
  ];

  const state = {
    wave: "",
    status: "",
    search: "",
    stalled: false,
    sort: "",
    descending: false,
    offset: 0,
  };
  let api;
  let waves = [];
  let built = false;
  let loads = 0;
  let searchTimer;

  function duration(ms) {
    if (ms === undefined || ms === null) return "–";
    const minutes = Math.floor(ms / 60_000);
    if (minutes < 60) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
  }

  function ofTotal(done, total, format) {
    return total === undefined || total === null ? format(done) : `${format(done)} of ${format(total)}`;
  }

  function notes(user) {
    const stats = user.statistics;
    return [
      ...(stats.stalled ? ["stalled"] : []),
      ...(stats.waiting ? [stats.waiting] : []),
      ...(user.failure ? [`${user.failure.class}: ${user.failure.message}`] : []),
      ...stats.warnings.map((warning) => `warning: ${warning}`),
    ].join("; ");
  }

  function row(user) {
    const stats = user.statistics;
    return el(
      "tr",
      { "data-account": user.accountId, class: stats.stalled ? "stalled" : undefined },
      el("td", { "data-col": "account" }, user.sourceUpn, el("br"), el("small", {}, user.targetUpn)),
      el("td", { "data-col": "status" }, user.status),
      el("td", { "data-col": "percent" }, `${stats.percentComplete} %`),
      el("td", { "data-col": "items" }, ofTotal(stats.itemsSynced, stats.sourceItems, count)),
      el("td", { "data-col": "size" }, ofTotal(stats.bytesSynced, stats.sourceBytes, bytes)),
      el("td", { "data-col": "bad" }, `${count(stats.badItems)} / ${count(stats.largeItems)}`),
      el(
        "td",
        { "data-col": "lastSync" },
        time(stats.lastSyncAt),
        stats.lastIncrementalSyncAt ? el("small", {}, ` (incr. ${time(stats.lastIncrementalSyncAt)})`) : "",
      ),
      el("td", { "data-col": "took" }, duration(stats.durationMs)),
      el("td", { "data-col": "consistency" }, stats.consistency ?? "–"),
      el("td", { "data-col": "notes" }, notes(user) || "–"),
    );
  }

  function heading(column) {
    if (!column.sort) return el("th", { scope: "col" }, column.label);
    const active = state.sort === column.sort;
    return el(
      "th",
      {
        scope: "col",
        "aria-sort": active ? (state.descending ? "descending" : "ascending") : "none",
      },
      el(
        "button",
        {
          type: "button",
          class: "sort",
          "data-sort": column.sort,
          onclick: () => {
            state.descending = active ? !state.descending : false;
            state.sort = column.sort;
            state.offset = 0;
            void load();
          },
        },
        column.label,
        active ? (state.descending ? " ▼" : " ▲") : "",
      ),
    );
  }

  function render(page) {
    const end = page.offset + page.users.length;
    fill(
      "users-table",
      el(
        "div",
        { class: "grid-scroll" },
        el(
          "table",
          { "data-testid": "user-grid" },
          el("thead", {}, el("tr", {}, COLUMNS.map(heading))),
          el("tbody", {}, page.users.map(row)),
        ),
      ),
      el(
        "p",
        { class: "pager" },
        el(
          "button",
          {
            type: "button",
            disabled: page.offset === 0,
            onclick: () => {
              state.offset = Math.max(0, state.offset - PAGE);
              void load();
            },
          },
          "Previous",
        ),
        el(
          "span",
          { "data-testid": "user-range" },
          page.total === 0 ? "no accounts match" : `${page.offset + 1}–${end} of ${count(page.total)}`,
        ),
        el(
          "button",
          {
            type: "button",
            disabled: end >= page.total,
            onclick: () => {
              state.offset += PAGE;
              void load();
            },
          },
          "Next",
        ),
      ),
    );
  }

  async function load() {
    if (!api || !state.wave) return;
    const load = ++loads;
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(state.offset) });
    if (state.status) query.set("status", state.status);
    if (state.search) query.set("search", state.search);
    if (state.stalled) query.set("stalled", "true");
    if (state.sort) query.set("sort", state.sort);
    if (state.descending) query.set("descending", "true");
    try {
      const page = await api(`ops/waves/${encodeURIComponent(state.wave)}/users?${query}`);
      // An answer to an older request (the filters changed meanwhile) is dropped.
      if (load === loads) render(page);
    } catch (error) {
      if (load === loads) fill("users-table", el("p", { class: "problem" }, error.message));
    }
  }

  function changed(field, value) {
    state[field] = value;
    state.offset = 0;
    void load();
  }

  function statusOptions() {
    const wave = waves.find((candidate) => candidate.waveId === state.wave);
    const statuses = wave ? Object.keys(wave.counts.byStatus) : [];
    return [
      el("option", { value: "" }, "all statuses"),
      ...statuses.map((s) => el("option", { value: s }, s)),
    ];
  }

  /** The filters, made once so that a refresh never takes the focus or a half-typed search away. */
  function build() {
    const waveSelect = el("select", { id: "users-wave", "aria-label": "wave" });
    waveSelect.addEventListener("change", () => {
      state.status = "";
      document.getElementById("users-status").replaceChildren(...statusOptions());
      changed("wave", waveSelect.value);
    });
    const statusSelect = el("select", { id: "users-status", "aria-label": "status" });
    statusSelect.addEventListener("change", () => changed("status", statusSelect.value));
    const search = el("input", {
      id: "users-search",
      type: "search",
      placeholder: "filter by UPN",
      "aria-label": "filter by UPN",
    });
    search.addEventListener("input", () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => changed("search", search.value.trim()), 300);
    });
    const stalled = el("input", { id: "users-stalled", type: "checkbox" });
    stalled.addEventListener("change", () => changed("stalled", stalled.checked));
    fill(
      "users",
      el(
        "div",
        { class: "grid-controls" },
        waveSelect,
        statusSelect,
        search,
        el("label", { for: "users-stalled" }, stalled, " stalled only"),
      ),
      el("div", { id: "users-table" }),
    );
    built = true;
  }

  dash.grid = {
    /** Called by app.js after every refresh with the status report's waves and its API call. */
    update(statusWaves, callApi) {
      api = callApi;
      waves = statusWaves;
      if (waves.length === 0) return;
      if (!built) build();
      if (!waves.some((wave) => wave.waveId === state.wave)) state.wave = waves[0].waveId;
      const waveSelect = document.getElementById("users-wave");
      const ids = waves.map((wave) => wave.waveId).join("\n");
      if (waveSelect.dataset.waves !== ids) {
        waveSelect.replaceChildren(...waves.map((wave) => el("option", { value: wave.waveId }, wave.waveId)));
        waveSelect.dataset.waves = ids;
        waveSelect.value = state.wave;
        const statusSelect = document.getElementById("users-status");
        statusSelect.replaceChildren(...statusOptions());
        statusSelect.value = state.status;
      }
      void load();
    },
  };
})((globalThis.mailferry ??= {}));
