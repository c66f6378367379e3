/** Fitting the demo's text lines into 80 columns. */

/** One less than 80, so that a terminal of 80 columns never wraps a line itself. */
export const TEXT_WIDTH = 79;

/** Breaks one line (no newline in it) at spaces, keeping its spacing (tables stay aligned). */
function wrapOne(line: string, width: number): string[] {
  const indent = `${/^ */.exec(line)?.[0] ?? ""}  `;
  const lines: string[] = [];
  let rest = line;
  while (rest.length > width) {
    // The last space that leaves the part within the width, past the indent.
    const from = lines.length === 0 ? (/^ */.exec(rest)?.[0].length ?? 0) : indent.length;
    const cut = rest.lastIndexOf(" ", width);
    if (cut <= from) {
      // A single word longer than the width (a URL): keep it whole.
      const next = rest.indexOf(" ", width);
      if (next === -1) break;
      lines.push(rest.slice(0, next).trimEnd());
      rest = indent + rest.slice(next).trimStart();
      continue;
    }
    lines.push(rest.slice(0, cut).trimEnd());
    rest = indent + rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

/**
 * Fits text into `width` columns: each of its lines is broken at spaces, the parts after the
 * first indented two spaces deeper than the line; spacing inside a part is kept, and a single
 * word longer than the width (a URL) stays whole.
 */
export function wrapLine(text: string, width = TEXT_WIDTH): string[] {
  return text.split("\n").flatMap((line) => (line.length <= width ? [line] : wrapOne(line, width)));
}
