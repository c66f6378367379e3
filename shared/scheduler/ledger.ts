/**
 * What the scheduler remembers per wave: how many accounts each window occurrence has released
 * (so a window's capacity holds across scheduler runs) and the current adaptive release rate.
 */
export interface ReleaseState {
  readonly waveId: string;
  /** Start of the window occurrence the count belongs to (ISO). */
  readonly windowStart: string;
  readonly released: number;
  readonly rate: number;
  readonly etag?: string;
}

export interface ReleaseLedger {
  get(waveId: string, windowStart: string): Promise<ReleaseState | undefined>;
  /**
   * Writes the state; with an etag only if nobody wrote since (else ConcurrencyConflictError).
   * Resolves to the new etag, for a further conditional write.
   */
  put(state: ReleaseState): Promise<string | undefined>;
  /** The most recent rate of a wave, whatever the window (the rate carries over windows). */
  lastRate(waveId: string): Promise<number | undefined>;
}

/** In-memory ReleaseLedger for unit tests. */
export class InMemoryReleaseLedger implements ReleaseLedger {
  private readonly states = new Map<string, ReleaseState>();
  private readonly rates = new Map<string, number>();

  get(waveId: string, windowStart: string): Promise<ReleaseState | undefined> {
    return Promise.resolve(this.states.get(`${waveId}|${windowStart}`));
  }

  put(state: ReleaseState): Promise<string | undefined> {
    this.states.set(`${state.waveId}|${state.windowStart}`, state);
    this.rates.set(state.waveId, state.rate);
    return Promise.resolve(undefined);
  }

  lastRate(waveId: string): Promise<number | undefined> {
    return Promise.resolve(this.rates.get(waveId));
  }
}
