/** Settings as POSIX shell `export` lines, for `mailferry emulate stack --env`. */

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A value in single quotes, which keep everything literal; a quote inside becomes '\''. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * One `export NAME='value'` line per setting, sorted by name. A name the shell cannot export (the
 * Functions runtime allows `:` and `.`) becomes a comment saying so rather than a broken line.
 */
export function exportLines(settings: Readonly<Record<string, string>>): string[] {
  return Object.entries(settings)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) =>
      SHELL_NAME.test(name)
        ? `export ${name}=${shellQuote(value)}`
        : `# ${name} is not a shell variable name: set it another way`,
    );
}
