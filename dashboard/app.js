// The dashboard: reads the admin API (ops/...) and dash/data, draws them, refreshes by itself.
// The page's own address carries the function key (`code`); every call passes it on. Refresh
// every `refresh` seconds (query parameter, default 15).
/* global document, location, fetch, setTimeout, clearTimeout, URLSearchParams */
"use strict";

(function (dash) {
  const { el, fill, table, count, percent, bytes, time } = dash;

  // The API lists every status in the path's order, so the page keeps no list of its own.
  const statusesOf = (wave) => Object.keys(wave.counts.byStatus);

  const params = new URLSearchParams(location.search);
  const key = params.get("code");
  const refreshSeconds = Math.max(1, Number(params.get("refresh") ?? "15") || 15);
  // Without `minutes` the charts span the waves' own time.
  const chartMinutes = params.has("minutes") ? Math.max(5, Number(params.get("minutes")) || 60) : undefined;
  // `/api/dash` → `/api/`: the admin API lives beside the page.
  const apiBase = location.pathname.replace(/dash\/?$/, "");

  let viewer = { name: "", canOperate: false };
  let timer;
  /** Each wave's time zone, from the last status report: times are shown in their wave's zone. */
  let zones = new Map();
  const zoneOf = (waveId) => zones.get(waveId) ?? "UTC";

  class ApiError extends Error {
    constructor(status, body) {
      super(body?.error?.message ?? `the API answered ${status}`);
      this.name = "ApiError";
      this.status = status;
    }
  }

  /** Calls the app's API with the function key; JSON in, JSON out. */
  async function api(path, body) {
    const headers = { accept: "application/json" };
    if (key) headers["x-functions-key"] = key;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${apiBase}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!response.ok) throw new ApiError(response.status, json);
    return json;
  }

  function showNotice(message) {
    const node = document.getElementById("notice");
    node.textContent = message ?? "";
    node.hidden = !message;
  }

  function showProblem(message) {
    const node = document.getElementById("problem");
    node.textContent = message ?? "";
    node.hidden = !message;
  }

  // -------------------------------------------------------------------------------------------
  // Programme overview

  function progressBar(wave) {
    const total = wave.counts.accounts || 1;
    return el(
      "div",
      { class: "bar", role: "img", "aria-label": `progress of wave ${wave.waveId}` },
      statusesOf(wave)
        .filter((status) => wave.counts.byStatus[status] > 0)
        .map((status) =>
          el("span", {
            class: `s-${status}`,
            style: `width: ${(wave.counts.byStatus[status] / total) * 100}%`,
            title: `${status}: ${wave.counts.byStatus[status]}`,
          }),
        ),
    );
  }

  function legend(wave) {
    return el(
      "div",
      { class: "legend" },
      statusesOf(wave)
        .filter((status) => wave.counts.byStatus[status] > 0 || status === "Completed")
        .map((status) =>
          el(
            "span",
            {},
            el("i", { class: `s-${status}` }),
            `${status} `,
            el("strong", { "data-status": status }, count(wave.counts.byStatus[status])),
          ),
        ),
    );
  }

  function windowFacts(wave) {
    const { window } = wave;
    const at = (iso) => time(iso, wave.timeZone);
    const next = window.next
      ? [
          el("dt", {}, "Next window"),
          el(
            "dd",
            { "data-testid": "next-window" },
            `${at(window.next.start)} – ${at(window.next.end)}, ${count(window.next.capacity)} cutovers`,
          ),
        ]
      : [];
    if (!window.open) {
      return [
        el("dt", {}, "Window"),
        el("dd", {}, next.length ? "none open" : "none open, none ahead"),
        ...next,
      ];
    }
    return [
      el("dt", {}, "Window (open)"),
      el("dd", { "data-testid": "open-window" }, `${at(window.start)} – ${at(window.end)}`),
      el("dt", {}, "Capacity used / left"),
      el(
        "dd",
        { "data-testid": "capacity" },
        `${count(window.released)} of ${count(window.capacity)} / ${count(window.capacityLeft)} left`,
      ),
      ...next,
    ];
  }

  /** Why synced accounts are not cut over yet, and what would cut them over sooner. */
  function waitingFacts(wave) {
    const reasons = Object.entries(wave.waiting);
    if (reasons.length === 0) return [];
    const wait = wave.cutoverWait;
    return [
      el("dt", {}, "Waiting"),
      el(
        "dd",
        { "data-testid": "waiting" },
        el(
          "ul",
          { class: "reasons" },
          reasons.map(([reason, accounts]) => el("li", {}, `${count(accounts)} synced: ${reason}`)),
        ),
        wait
          ? el(
              "p",
              { "data-testid": "cutover-wait" },
              `${count(wait.accounts)} wait ${wait.opens ? `until ${time(wait.opens, wave.timeZone)}` : "for a window (none ahead)"}. Sooner: `,
              wait.sooner.map((option, index) => [
                index > 0 ? "; " : "",
                el("code", {}, option.command),
                ` (${option.effect})`,
              ]),
            )
          : null,
      ),
    ];
  }

  /** Pause, Resume and Complete for Operators, through the admin API like every action. */
  function waveButtons(wave) {
    if (!viewer.canOperate) return null;
    const button = (operation, label, question, className = "") =>
      el(
        "button",
        {
          type: "button",
          class: className,
          "data-action": operation,
          onclick: () =>
            act(
              question,
              `ops/waves/${encodeURIComponent(wave.waveId)}/${operation}`,
              {},
              (result) => `Wave ${result.wave.id} is ${result.wave.status} (action ${result.actionId}).`,
            ),
        },
        label,
      );
    const open = wave.status !== "Completed" && wave.status !== "Cancelled";
    return el(
      "div",
      { class: "actions" },
      wave.status === "Active"
        ? button("pause", "Pause", `Pause wave ${wave.waveId}? Accounts in flight finish.`)
        : null,
      wave.status === "Paused" || wave.status === "Scheduled"
        ? button("resume", "Resume", `Resume wave ${wave.waveId}?`)
        : null,
      open
        ? button(
            "complete",
            "Complete now",
            `Cut every synced account of wave ${wave.waveId} over now, without waiting for a window?`,
            "danger",
          )
        : null,
    );
  }

  function etaText(wave) {
    const { eta } = wave;
    if (!eta.wave) return `unknown: ${eta.why ?? "no pace yet"}`;
    const last = eta.lastWindow
      ? ` (in the window ${time(eta.lastWindow.start, wave.timeZone)} – ${time(eta.lastWindow.end, wave.timeZone)})`
      : "";
    return `last cutovers start ${time(eta.wave, wave.timeZone)}${last}`;
  }

  function waveCard(wave) {
    const pace = wave.copyPace;
    return el(
      "article",
      { class: "wave", "data-wave": wave.waveId },
      el("h3", {}, `${wave.waveId} `, el("span", { class: "state" }, `${wave.status} · ${wave.description}`)),
      progressBar(wave),
      legend(wave),
      waveButtons(wave),
      el(
        "dl",
        { class: "facts" },
        el("dt", {}, "Times in"),
        el("dd", { "data-testid": "zone" }, wave.timeZone),
        el("dt", {}, "Accounts settled"),
        el("dd", { "data-testid": "settled" }, `${count(wave.settled)} of ${count(wave.counts.accounts)}`),
        el("dt", {}, "In flight"),
        el("dd", { "data-testid": "in-flight" }, count(wave.inFlight)),
        el("dt", {}, "Copied"),
        el("dd", {}, `${count(wave.counts.items)} items, ${bytes(wave.counts.bytes)}`),
        el("dt", {}, "Copy pace (last hour)"),
        el(
          "dd",
          {},
          `${count(pace.accountsPerHour)} accounts/h finished a copy, ${count(pace.itemsPerHour)} items/h`,
        ),
        el("dt", {}, "Failure rate"),
        el(
          "dd",
          { "data-testid": "failure-rate" },
          `${percent(wave.failureRate)} (${count(wave.counts.byStatus.Failed)} of ${count(wave.finishedStep)} that finished a step)`,
        ),
        ...windowFacts(wave),
        ...waitingFacts(wave),
        el("dt", {}, "ETA"),
        el("dd", { "data-testid": "eta" }, etaText(wave)),
      ),
    );
  }

  function renderWaves(status) {
    if (status.waves.length === 0) fill("waves", el("p", { class: "empty" }, "No waves yet."));
    else fill("waves", status.waves.map(waveCard));
  }

  // -------------------------------------------------------------------------------------------
  // Failures, dead letters, alerts

  /** Asks for confirmation in the page's dialog; resolves true when confirmed. */
  function confirmAction(text) {
    const dialog = document.getElementById("confirm");
    document.getElementById("confirm-text").textContent = text;
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
      dialog.returnValue = "";
      dialog.showModal();
    });
  }

  async function act(question, path, body, done) {
    if (!(await confirmAction(question))) return;
    try {
      const result = await api(path, body);
      showProblem("");
      showNotice(done(result));
    } catch (error) {
      showProblem(`${question} — refused: ${error.message}`);
    }
    await refresh();
  }

  /** What one failure group needs to be acted on: the fix, example accounts, the retry command. */
  function failureDetail(group) {
    return el(
      "td",
      {},
      el("div", {}, group.reason),
      group.hint ? el("div", { class: "note", "data-testid": "failure-hint" }, `Fix: ${group.hint}`) : null,
      group.examples.length
        ? el(
            "ul",
            { class: "examples" },
            group.examples.map((example) =>
              el("li", {}, `${example.sourceUpn} → ${example.targetUpn} (${example.waveId})`),
            ),
          )
        : null,
      el(
        "div",
        { class: "note" },
        "Retry: ",
        el("code", { "data-testid": "retry-command" }, group.retryCommand),
      ),
    );
  }

  /**
   * The failure card. Its count per wave comes from the same status report as the bars, so the
   * two always agree; the groups below are read from the failed accounts themselves.
   */
  function renderFailures(report, status) {
    const failedByWave = status.waves
      .filter((wave) => wave.counts.byStatus.Failed > 0)
      .map((wave) => `${wave.waveId} ${count(wave.counts.byStatus.Failed)}`);
    const failed = status.waves.reduce((total, wave) => total + wave.counts.byStatus.Failed, 0);
    const headline = el(
      "p",
      {},
      el("strong", { "data-testid": "failed-total" }, count(failed)),
      ` failed account(s)${failedByWave.length > 1 ? ` (${failedByWave.join(", ")})` : ""}`,
      report.total !== failed ? ` — ${count(report.total)} listed below, read a moment apart` : "",
    );
    if (report.groups.length === 0) {
      fill("failures", failed > 0 ? headline : el("p", { class: "empty" }, "No failed accounts."));
      return;
    }
    const rows = report.groups.map((group) =>
      el(
        "tr",
        { "data-group": group.id },
        el("td", {}, group.failureClass),
        failureDetail(group),
        el("td", { class: "count" }, count(group.count)),
        viewer.canOperate
          ? el(
              "td",
              {},
              el(
                "button",
                {
                  type: "button",
                  class: "danger",
                  "data-action": "retry",
                  onclick: () =>
                    act(
                      `Retry ${group.count} failed account(s) of "${group.failureClass}: ${group.reason}"?`,
                      "ops/retry",
                      { group: group.id },
                      (result) => `Retried ${result.retried.length} of ${result.matched} account(s).`,
                    ),
                },
                "Retry",
              ),
            )
          : null,
      ),
    );
    const headings = ["Class", "Reason, fix, examples", "Accounts", ...(viewer.canOperate ? [""] : [])];
    fill("failures", headline, table(headings, rows));
  }

  function renderDeadLetters(listing) {
    if (listing.groups.length === 0) {
      fill(
        "deadletters",
        el("p", { class: "empty", "data-testid": "dlq-empty" }, "The dead-letter queue is empty."),
      );
      return;
    }
    const rows = listing.groups.map((group) =>
      el(
        "tr",
        { "data-group": group.key },
        el("td", {}, group.reason ?? ""),
        el("td", {}, group.description ?? ""),
        el("td", {}, `${time(group.firstAt)} – ${time(group.lastAt)} (UTC)`),
        el("td", { class: "count", "data-testid": "dlq-count" }, count(group.count)),
        viewer.canOperate
          ? el(
              "td",
              {},
              el(
                "button",
                {
                  type: "button",
                  class: "danger",
                  "data-action": "replay",
                  onclick: () =>
                    act(
                      `Replay ${group.count} dead-lettered message(s) of "${group.reason ?? group.key}"?`,
                      "ops/deadletters/replay",
                      { group: group.key },
                      (result) => `Replayed ${result.done} of ${result.matched} message(s).`,
                    ),
                },
                "Replay",
              ),
            )
          : null,
      ),
    );
    const headings = [
      "Reason",
      "Description",
      "First – last",
      "Messages",
      ...(viewer.canOperate ? [""] : []),
    ];
    fill(
      "deadletters",
      el(
        "p",
        {},
        `${count(listing.matched)} message(s) in ${listing.queue}${listing.truncated ? " (more not read)" : ""}`,
      ),
      table(headings, rows),
    );
  }

  function alertRow(alert) {
    // Wave rules are about a wave: their times in its zone; queue rules in UTC.
    const at = (iso) => time(iso, zoneOf(alert.subject));
    const firing = alert.status === "firing";
    return el(
      "tr",
      { "data-rule": alert.rule, "data-status": alert.status },
      el(
        "td",
        { class: firing ? `alert-${alert.severity}` : "alert-resolved" },
        firing ? alert.severity : "resolved",
      ),
      el("td", {}, alert.title),
      el("td", {}, alert.summary),
      el("td", {}, firing ? `since ${at(alert.since)}` : `resolved ${at(alert.changedAt)}`),
    );
  }

  function renderAlerts(alerts) {
    if (!alerts.available) {
      fill("alerts", el("p", { class: "empty" }, `Alert states unavailable: ${alerts.error ?? "unknown"}`));
      return;
    }
    const headings = ["State", "Alert", "Last evaluation", "When"];
    fill(
      "alerts",
      el("h3", {}, `Open (${alerts.open.length})`),
      alerts.open.length
        ? table(headings, alerts.open.map(alertRow))
        : el("p", { class: "empty" }, "None firing."),
      el("h3", {}, `Resolved in the last day (${alerts.recent.length})`),
      alerts.recent.length
        ? table(headings, alerts.recent.map(alertRow))
        : el("p", { class: "empty" }, "None."),
    );
  }

  function renderData(data) {
    viewer = data.viewer;
    document.getElementById("viewer").textContent =
      `${data.viewer.name} (${data.viewer.canOperate ? "Operator" : "Reader"})`;
    document.getElementById("throttled-share").textContent = percent(data.series.total.throttledShare);
    document.getElementById("chart-span").textContent =
      ` from ${time(new Date(data.series.from).toISOString(), data.timeZone)} to ${time(new Date(data.series.until).toISOString(), data.timeZone)} (${count(data.series.total.requests)} calls)`;
    dash.drawCharts(data.series, data.thresholds, data.timeZone);
    renderAlerts(data.alerts);
  }

  // -------------------------------------------------------------------------------------------
  // Account search

  async function showAccount(upn) {
    try {
      const detail = await api(`ops/accounts/${encodeURIComponent(upn.trim())}`);
      const account = detail.account;
      const history = detail.history.map((record) =>
        el(
          "tr",
          {},
          el("td", {}, time(record.at, zoneOf(account.waveId))),
          el("td", {}, `${record.from} → ${record.to}`),
          el("td", {}, record.reason),
          el("td", {}, record.actor),
        ),
      );
      fill(
        "account",
        el(
          "dl",
          { class: "facts" },
          el("dt", {}, "Account"),
          el("dd", {}, `${account.source.upn} → ${account.target.upn}`),
          el("dt", {}, "Wave"),
          el("dd", {}, account.waveId),
          el("dt", {}, "Status"),
          el(
            "dd",
            { "data-testid": "account-status" },
            `${account.status} since ${time(account.statusSince, zoneOf(account.waveId))}`,
          ),
          el("dt", {}, "Progress"),
          el(
            "dd",
            {},
            `${count(account.progress.items)} items, ${bytes(account.progress.bytes)}, ${count(account.progress.folders)} folders, ${count(account.progress.badItems)} bad items`,
          ),
          el("dt", {}, "Attempt / slice"),
          el("dd", {}, `${account.attempt} / ${account.slice}`),
          account.lastError
            ? [
                el("dt", {}, "Last error"),
                el("dd", {}, `${account.lastError.class}: ${account.lastError.message}`),
              ]
            : [],
        ),
        table(["When", "Change", "Reason", "By"], history, { "data-testid": "account-history" }),
      );
    } catch (error) {
      fill(
        "account",
        el("p", { class: "problem" }, error.status === 404 ? `No account ${upn}.` : error.message),
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Refresh

  async function refresh() {
    clearTimeout(timer);
    try {
      const [data, status, failures, deadLetters] = await Promise.all([
        api(`dash/data${chartMinutes === undefined ? "" : `?minutes=${chartMinutes}`}`),
        api("ops/status"),
        api("ops/failures"),
        api("ops/deadletters"),
      ]);
      zones = new Map(status.waves.map((wave) => [wave.waveId, wave.timeZone]));
      // The viewer's role decides which buttons the tables get, so it is rendered first.
      renderData(data);
      renderWaves(status);
      dash.grid?.update(status.waves, api);
      renderFailures(failures, status);
      renderDeadLetters(deadLetters);
      const updated = document.getElementById("updated");
      updated.textContent = time(status.at, data.timeZone);
      updated.setAttribute("datetime", status.at);
      showProblem("");
    } catch (error) {
      showProblem(`Could not refresh: ${error.message}`);
    } finally {
      timer = setTimeout(() => void refresh(), refreshSeconds * 1000);
    }
  }

  document.getElementById("refresh").addEventListener("click", () => void refresh());
  document.getElementById("account-search").addEventListener("submit", (event) => {
    event.preventDefault();
    void showAccount(document.getElementById("upn").value);
  });
  void refresh();
})((globalThis.mailferry ??= {}));
