import { MailferryError } from "../errors.js";

/** Something the dashboard serves went wrong. */
export class DashboardError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DashboardError";
  }
}

/** A request names an asset the dashboard does not serve (answered with a 404). */
export class AssetNotFoundError extends DashboardError {
  readonly asset: string;
  constructor(asset: string, options?: { cause?: unknown }) {
    super(`the dashboard has no asset named ${JSON.stringify(asset)}`, options);
    this.name = "AssetNotFoundError";
    this.asset = asset;
  }
}
