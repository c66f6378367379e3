/**
 * What the scheduler remembers per wave: how many accounts each window occurrence has released
 * (so a window's capacity holds across scheduler runs), the current adaptive release rate, and an
 * outbox of accounts it is marking and sending, so a run that dies between the two is repaired by
 * the next one.
 */
export interface ReleaseState {
  readonly waveId: string;
  /** Start of the window occurrence the count belongs to (ISO). */
  readonly windowStart: string;
  readonly released: number;
  readonly rate: number;
  readonly etag?: string;
}

/** Accounts one scheduler run is about to mark and send, kept until their messages are sent. */
export interface SendIntent {
  readonly waveId: string;
  /** Unique within the wave; what clearSends takes. */
  readonly key: string;
  readonly accountIds: readonly string[];
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
  /** Records, before they are marked, the accounts whose messages are about to be sent. */
  recordSends(waveId: string, accountIds: readonly string[]): Promise<SendIntent>;
  /** Forgets an intent once its messages are sent. */
  clearSends(intent: SendIntent): Promise<void>;
  /** Intents of a wave that were never cleared: their accounts may have been marked and not sent. */
  unsentIntents(waveId: string): Promise<SendIntent[]>;
}

/** In-memory ReleaseLedger for unit tests. */
export class InMemoryReleaseLedger implements ReleaseLedger {
  private readonly states = new Map<string, ReleaseState>();
  private readonly rates = new Map<string, number>();
  private readonly intents = new Map<string, SendIntent>();
  private sequence = 0;

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

  recordSends(waveId: string, accountIds: readonly string[]): Promise<SendIntent> {
    this.sequence += 1;
    const intent: SendIntent = { waveId, key: String(this.sequence), accountIds: [...accountIds] };
    this.intents.set(`${waveId}|${intent.key}`, intent);
    return Promise.resolve(intent);
  }

  clearSends(intent: SendIntent): Promise<void> {
    this.intents.delete(`${intent.waveId}|${intent.key}`);
    return Promise.resolve();
  }

  unsentIntents(waveId: string): Promise<SendIntent[]> {
    return Promise.resolve([...this.intents.values()].filter((intent) => intent.waveId === waveId));
  }
}
