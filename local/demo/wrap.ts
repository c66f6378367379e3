/** Fitting the demo's text lines into 80 columns. */

/** One less than 80, so that a terminal of 80 columns never wraps a line itself. */
export const TEXT_WIDTH = 79;

/**
 * Breaks a line at spaces so that each part fits `width`; the parts after the first are indented
 * two spaces deeper than the line. A single word longer than the width (a URL) stays whole.
 */
export function wrapLine(line: string, width = TEXT_WIDTH): string[] {
  if (line.length <= width) return [line];
  const indent = `${/^ */.exec(line)?.[0] ?? ""}  `;
  const words = line.trim().split(/ +/);
  const lines: string[] = [];
  let current = line.slice(0, line.length - line.trimStart().length);
  let started = false;
  for (const word of words) {
    if (started && current.length + 1 + word.length > width) {
      lines.push(current);
      current = indent + word;
    } else {
      current = started ? `${current} ${word}` : current + word;
    }
    started = true;
  }
  lines.push(current);
  return lines;
}
