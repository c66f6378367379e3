import { MailferryError } from "../errors.js";

/** A setting is missing or malformed; the message names the setting. */
export class ConfigError extends MailferryError {
  readonly setting: string;
  constructor(setting: string, message: string) {
    super(`setting ${setting}: ${message}`);
    this.name = "ConfigError";
    this.setting = setting;
  }
}
