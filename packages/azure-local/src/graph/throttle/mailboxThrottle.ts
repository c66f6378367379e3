/**
 * Outlook's limits per application per mailbox: requests per window, requests in flight, and
 * upload bytes per window. A refused request is told how long to wait (Retry-After).
 */
import type { ScaledWindows, ThrottleLimits } from "../options.js";
import { SlidingWindow } from "./slidingWindow.js";

export type ThrottleReason = "concurrency" | "requests" | "uploads";

export type Admission =
  | { readonly ok: true; readonly release: () => void }
  | { readonly ok: false; readonly reason: ThrottleReason; readonly retryAfterSeconds: number };

/** Retry-After for a concurrency refusal: a slot frees as soon as a request in flight ends. */
const CONCURRENCY_RETRY_SECONDS = 1;

export class MailboxThrottle {
  private limits: ThrottleLimits;
  private requests: SlidingWindow;
  private uploads: SlidingWindow;
  private readonly inFlight = new Map<string, number>();

  constructor(limits: ThrottleLimits, windows: ScaledWindows) {
    this.limits = { ...limits };
    this.requests = new SlidingWindow(windows.requestWindowMs);
    this.uploads = new SlidingWindow(windows.uploadWindowMs);
  }

  /** Changes the limits; windows of a new length start empty. */
  configure(limits: ThrottleLimits, windows: ScaledWindows): void {
    this.limits = { ...limits };
    if (windows.requestWindowMs !== this.requests.windowMs)
      this.requests = new SlidingWindow(windows.requestWindowMs);
    if (windows.uploadWindowMs !== this.uploads.windowMs)
      this.uploads = new SlidingWindow(windows.uploadWindowMs);
  }

  /** Admits a request of `uploadBytes` for `key` (app|mailbox) or says why not and for how long. */
  admit(key: string, nowMs: number, uploadBytes: number): Admission {
    const running = this.inFlight.get(key) ?? 0;
    if (running >= this.limits.concurrentRequests) {
      return { ok: false, reason: "concurrency", retryAfterSeconds: CONCURRENCY_RETRY_SECONDS };
    }
    const requestWait = this.requests.msUntilFits(key, nowMs, 1, this.limits.requestsPerWindow);
    if (requestWait > 0) {
      return { ok: false, reason: "requests", retryAfterSeconds: Math.ceil(requestWait / 1000) };
    }
    if (uploadBytes > 0) {
      const uploadWait = this.uploads.msUntilFits(key, nowMs, uploadBytes, this.limits.uploadBytesPerWindow);
      if (uploadWait > 0) {
        return { ok: false, reason: "uploads", retryAfterSeconds: Math.ceil(uploadWait / 1000) };
      }
      this.uploads.add(key, nowMs, uploadBytes);
    }
    this.requests.add(key, nowMs, 1);
    this.inFlight.set(key, running + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const now = (this.inFlight.get(key) ?? 1) - 1;
        if (now <= 0) this.inFlight.delete(key);
        else this.inFlight.set(key, now);
      },
    };
  }
}
