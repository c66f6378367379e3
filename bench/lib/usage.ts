/**
 * What a benchmark's run cost: requests this process sent to each endpoint, and CPU time spent by
 * this process and by a child (an emulator). Requests are seen through Node's diagnostics
 * channels, so the code under measurement is not touched.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import { readFileSync } from "node:fs";

/** Counts requests by the origin (`http://host:port`) they were sent to. */
export class RequestCounter {
  private readonly counts = new Map<string, number>();
  private readonly onHttp = (message: unknown): void => {
    const request = (message as { request: ClientRequest }).request;
    // The Host header carries the port, which tells the emulators on one address apart.
    const host = request.getHeader("host");
    this.add(`${request.protocol}//${typeof host === "string" ? host : request.host}`);
  };
  private readonly onUndici = (message: unknown): void => {
    this.add((message as { request: { origin: string } }).request.origin);
  };

  /** Starts counting: node:http requests (Table Storage's SDK) and undici ones (the Graph client). */
  start(): this {
    subscribe("http.client.request.start", this.onHttp);
    subscribe("undici:request:create", this.onUndici);
    return this;
  }

  stop(): void {
    unsubscribe("http.client.request.start", this.onHttp);
    unsubscribe("undici:request:create", this.onUndici);
  }

  /** Requests sent to `url`'s origin so far. */
  countFor(url: string): number {
    const { protocol, host } = new URL(url);
    return this.counts.get(`${protocol}//${host}`) ?? 0;
  }

  private add(origin: string): void {
    this.counts.set(origin, (this.counts.get(origin) ?? 0) + 1);
  }
}

/**
 * CPU seconds (user + system) a process has used, read from Linux's `/proc`; undefined where there
 * is no `/proc` or the process is gone.
 */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime, fields 14 and 15 of the whole line, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** CPU seconds this process has used. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
