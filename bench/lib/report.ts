/** One benchmark's results: figure name to value. */
export type Figures = Readonly<Record<string, number | string>>;

function format(value: number | string): string {
  if (typeof value === "string") return value;
  return Number.isInteger(value)
    ? value.toLocaleString("en-US")
    : // Ratios and shares below 10 keep three decimals: 0.886 is not 0.9.
      value.toLocaleString("en-US", { maximumFractionDigits: Math.abs(value) < 10 ? 3 : 1 });
}

/**
 * Prints a benchmark's figures as one JSON line (for scripts and CI logs), then as a two-column
 * table for people.
 */
export function printFigures(benchmark: string, figures: Figures): void {
  process.stdout.write(`${JSON.stringify({ benchmark, ...figures })}\n`);
  const rows = Object.entries(figures).map(([name, value]) => [name, format(value)] as const);
  const nameWidth = Math.max("figure".length, ...rows.map(([name]) => name.length));
  const valueWidth = Math.max("value".length, ...rows.map(([, value]) => value.length));
  const line = (left: string, right: string): string =>
    `| ${left.padEnd(nameWidth)} | ${right.padStart(valueWidth)} |`;
  const lines = [
    line("figure", "value"),
    `|${"-".repeat(nameWidth + 2)}|${"-".repeat(valueWidth + 2)}|`,
    ...rows.map(([name, value]) => line(name, value)),
  ];
  process.stdout.write(`\n${benchmark}\n${lines.join("\n")}\n`);
}
