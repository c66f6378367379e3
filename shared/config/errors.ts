import { MailferryError } from "../errors.js";

/** One setting found wrong: its name and what is wrong with it. */
export interface SettingProblem {
  readonly setting: string;
  readonly message: string;
}

/** A setting is missing or malformed; the message names the setting. */
export class ConfigError extends MailferryError {
  /** The (first) setting found wrong. */
  readonly setting: string;
  /** Every setting found wrong, when several were checked together; one entry otherwise. */
  readonly problems: readonly SettingProblem[];
  constructor(
    setting: string,
    message: string,
    options?: { cause?: unknown; several?: readonly SettingProblem[] },
  ) {
    const several = options?.several;
    super(
      several === undefined
        ? `setting ${setting}: ${message}`
        : `${several.length} settings are not valid:\n${several.map((problem) => `  ${problem.message}`).join("\n")}`,
      options,
    );
    this.name = "ConfigError";
    this.setting = setting;
    this.problems = several ?? [{ setting, message: this.message }];
  }

  /** One error for several: the first names the setting, the message lists every problem, one a line. */
  static combine(errors: readonly ConfigError[]): ConfigError {
    const [first, ...rest] = errors;
    if (first === undefined) throw new RangeError("no configuration errors to combine");
    if (rest.length === 0) return first;
    const several = errors.flatMap((error) => error.problems);
    return new ConfigError(first.setting, "", { cause: first, several });
  }
}

/** A connection a setting names cannot be reached or refuses the app's credentials. */
export class ConnectionCheckError extends MailferryError {
  readonly setting: string;
  /** What went wrong, without the setting's name. */
  readonly reason: string;
  constructor(setting: string, reason: string, options?: { cause?: unknown }) {
    super(`setting ${setting}: ${reason}`, options);
    this.name = "ConnectionCheckError";
    this.setting = setting;
    this.reason = reason;
  }
}
