/** Plain-text rendering shared by the operator commands. */
import { zonedTime } from "../../shared/domain/index.js";

/** Left-aligned columns separated by two spaces; the first row is the header. */
export function table(rows: readonly (readonly (string | number)[])[]): string {
  const text = rows.map((row) => row.map(String));
  const widths: number[] = [];
  for (const row of text) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return text
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** 1536 → `1.5 KiB`. */
export function bytes(value: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let scaled = value;
  let unit = 0;
  while (scaled >= 1024 && unit < units.length - 1) {
    scaled /= 1024;
    unit++;
  }
  return `${unit === 0 ? scaled : scaled.toFixed(1)} ${units[unit] ?? "B"}`;
}

/** A share as a percentage, or `-` when there is none. */
export function percent(share: number | null): string {
  return share === null ? "-" : `${(share * 100).toFixed(1)} %`;
}

/**
 * An instant in the one format mailferry shows times in, `Mon 2025-03-03 19:00 +01:00`: in a
 * wave's zone when the caller knows it, else UTC; `-` when there is none.
 */
export function when(iso: string | null | undefined, timeZone = "UTC"): string {
  return zonedTime(iso, timeZone);
}
