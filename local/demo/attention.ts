/**
 * The end of the demo's summary: the accounts that failed or completed with warnings, each with
 * its reason, and what an operator would run next.
 */
import type { MigrationStore } from "../../shared/store/port.js";
import type { Verification } from "./verify.js";
import { wrapLine } from "./wrap.js";

/** An account an operator would look at, and why. */
export interface AttentionItem {
  readonly sourceUpn: string;
  readonly status: "Failed" | "CompletedWithWarnings";
  /** The failure class, or `warnings` for a completion with warnings. */
  readonly kind: string;
  readonly reason: string;
}

const WIDTH = 79;
const LISTED = 20;

function fit(line: string): string {
  return line.length <= WIDTH ? line : `${line.slice(0, WIDTH - 1)}…`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The failed and warned accounts of a verified run, failures first, with their reasons. */
export async function attention(store: MigrationStore, verification: Verification): Promise<AttentionItem[]> {
  const items: AttentionItem[] = [];
  for (const verdict of verification.verdicts) {
    if (verdict.status === "Failed") {
      const account = await store.accounts.get(verdict.accountId);
      items.push({
        sourceUpn: verdict.sourceUpn,
        status: "Failed",
        kind: account.lastError?.class ?? verdict.failureClass ?? "Failed",
        reason: account.lastError?.message ?? "no reason recorded",
      });
    } else if (verdict.status === "CompletedWithWarnings") {
      const warnings = [
        ...(verdict.badItems > 0 ? [plural(verdict.badItems, "bad item skipped", "bad items skipped")] : []),
        ...(verdict.largeItemsSkipped > 0
          ? [plural(verdict.largeItemsSkipped, "large item skipped", "large items skipped")]
          : []),
      ];
      items.push({
        sourceUpn: verdict.sourceUpn,
        status: "CompletedWithWarnings",
        kind: "warnings",
        reason: warnings.length > 0 ? warnings.join(", ") : "completed with warnings",
      });
    }
  }
  // Failures first, then by class, so that each class's accounts stand together.
  const rank = (item: AttentionItem): number => (item.status === "Failed" ? 0 : 1);
  return items.sort((a, b) => rank(a) - rank(b) || a.kind.localeCompare(b.kind));
}

/**
 * Prints the accounts needing attention (at most 20, the rest are in the report) and, per failure
 * class, the commands an operator runs on a live stack; every line fits 80 columns.
 */
export function printAttention(
  write: (line: string) => void,
  items: readonly AttentionItem[],
  reportPath: string,
): void {
  if (items.length === 0) return;
  const failed = items.filter((item) => item.status === "Failed");
  const warned = items.length - failed.length;
  write("");
  write(
    `needs attention: ${plural(failed.length, "failed account", "failed accounts")}, ${warned} with warnings`,
  );
  for (const item of items.slice(0, LISTED)) {
    write(fit(`  ${item.status === "Failed" ? "FAILED" : "WARNED"} ${item.sourceUpn}  ${item.kind}`));
    for (const part of wrapLine(`      ${item.reason}`)) write(part);
  }
  if (items.length > LISTED) write(`  … and ${items.length - LISTED} more in ${reportPath}`);
  const classes = [...new Set(failed.map((item) => item.kind))];
  write("");
  write("next: the failures above were planted in the simulated tenant. On a live stack");
  write("(npx mailferry emulate stack, see the README) an operator would run:");
  write("  npx mailferry failures --wave demo              # groups, examples, fix hints");
  for (const failureClass of classes) {
    write(fit(`  npx mailferry retry --wave demo --class ${failureClass} --dry-run`));
  }
}
