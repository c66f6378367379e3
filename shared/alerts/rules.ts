/**
 * The alert rules mailferry evaluates, what each one watches, and how long a breach must hold
 * before it fires. Rules are evaluated per subject: a wave, or a queue.
 */
export const RULE_IDS = [
  "failure-rate",
  "preflight-failures",
  "dead-letters",
  "stalled-wave",
  "throttling",
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export type Severity = "critical" | "warning";

/** A breach must be seen in `need` of the last `of` evaluations before the rule fires. */
export interface HoldPolicy {
  readonly need: number;
  readonly of: number;
}

export interface RuleDefinition {
  readonly id: RuleId;
  readonly severity: Severity;
  readonly hold: HoldPolicy;
  /** A one-line title for a subject, e.g. "Failure rate of wave w1". */
  title(subject: string): string;
}

/** The rules. Rates hold for 2 of 3 evaluations, so one bad sample never pages anybody. */
export const RULES: Readonly<Record<RuleId, RuleDefinition>> = {
  "failure-rate": {
    id: "failure-rate",
    severity: "critical",
    hold: { need: 2, of: 3 },
    title: (wave) => `Failure rate of wave ${wave}`,
  },
  "preflight-failures": {
    id: "preflight-failures",
    severity: "warning",
    hold: { need: 2, of: 3 },
    title: (wave) => `Pre-flight failures in wave ${wave}`,
  },
  "dead-letters": {
    id: "dead-letters",
    severity: "critical",
    hold: { need: 1, of: 1 },
    title: (queue) => `Dead letters in queue ${queue}`,
  },
  "stalled-wave": {
    id: "stalled-wave",
    severity: "critical",
    hold: { need: 1, of: 1 },
    title: (wave) => `Wave ${wave} has stalled`,
  },
  throttling: {
    id: "throttling",
    severity: "warning",
    hold: { need: 2, of: 3 },
    title: (wave) => `Graph throttling in wave ${wave}`,
  },
};

/** What one evaluation of one rule found for one subject. */
export interface Observation {
  readonly rule: RuleId;
  /** The wave id or queue name the rule looked at. */
  readonly subject: string;
  /** Whether this evaluation is bad (whether the rule fires also depends on earlier ones). */
  readonly breached: boolean;
  /** The figure measured: a rate or share (0..1), a depth, a number of accounts. */
  readonly value: number;
  /** One line for people, e.g. "7 of 40 finished accounts failed (17.5 %) in the last 15 min". */
  readonly summary: string;
  /** A firing alert got worse in a way worth announcing again (the dead-letter depth rose again). */
  readonly again?: boolean;
}

/** The state key of a rule and subject. */
export function ruleKey(rule: RuleId, subject: string): string {
  return `${rule}/${subject}`;
}
