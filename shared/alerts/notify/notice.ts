/**
 * What mailferry tells people when a rule fires or resolves, and its JSON form (the body of a
 * `json` webhook). Receivers check `source` and `v` before reading the rest.
 */
import { z } from "zod";
import { RULE_IDS } from "../rules.js";

export const alertNoticeSchema = z.object({
  source: z.literal("mailferry"),
  v: z.literal(1),
  status: z.enum(["firing", "resolved"]),
  rule: z.enum(RULE_IDS),
  subject: z.string(),
  severity: z.enum(["critical", "warning"]),
  title: z.string(),
  summary: z.string(),
  value: z.number(),
  /** When the evaluation that sent it ran (ISO). */
  at: z.string(),
  /** When the rule started firing (ISO). */
  since: z.string(),
});

export type AlertNotice = z.infer<typeof alertNoticeSchema>;

/** The notice in a webhook body, or undefined when the body is something else. */
export function parseAlertNotice(body: unknown): AlertNotice | undefined {
  const parsed = alertNoticeSchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}
