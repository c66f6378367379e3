import {
  checkUpn,
  type Identity,
  type ImportedAccount,
  isWaveId,
  PRIORITY_MAX,
  PRIORITY_MIN,
  type WaveStatus,
} from "../domain/index.js";
import type { Column, Header } from "./columns.js";
import type { RowProblem } from "./problems.js";

/** What row validation needs to know beyond the row. */
export interface RowContext {
  /** Existing waves and their status. */
  readonly waves: ReadonlyMap<string, WaveStatus>;
  /** The wave of rows that name none (`--wave`). */
  readonly defaultWave?: string;
}

export type RowResult =
  | { readonly ok: true; readonly account: ImportedAccount }
  | { readonly ok: false; readonly problems: RowProblem[] };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLOSED_WAVES: ReadonlySet<WaveStatus> = new Set(["Completed", "Cancelled"]);

function shown(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

/**
 * Validates one data record against the header, listing every problem found in it, or builds the
 * account it describes.
 */
export function validateRow(
  fields: readonly string[],
  header: Header,
  line: number,
  context: RowContext,
): RowResult {
  if (fields.length !== header.width) {
    return {
      ok: false,
      problems: [{ line, message: `has ${fields.length} fields where the header has ${header.width}` }],
    };
  }
  const problems: RowProblem[] = [];
  const cell = (column: Column): string => {
    const position = header.index[column];
    return position === undefined ? "" : (fields[position] ?? "").trim();
  };
  const problem = (column: Column, message: string): void => {
    problems.push({ line, column, message });
  };

  const upn = (column: "sourceUpn" | "targetUpn"): string | undefined => {
    const value = cell(column);
    if (value === "") {
      problem(column, "is empty");
      return undefined;
    }
    const check = checkUpn(value);
    if (!check.ok) {
      problem(column, `${shown(value)} is not a valid UPN: it ${check.reason}`);
      return undefined;
    }
    return check.upn;
  };
  const guid = (column: Column): string | undefined => {
    const value = cell(column);
    if (value === "") return undefined;
    if (!GUID.test(value)) {
      problem(column, `${shown(value)} is not a GUID such as 0f8fad5b-d9cb-469f-a165-70867728950e`);
      return undefined;
    }
    return value.toLowerCase();
  };
  const identity = (side: "source" | "target"): Identity | undefined => {
    const name = upn(`${side}Upn`);
    const objectId = guid(`${side}ObjectId`);
    const tenantId = guid(`${side}TenantId`);
    return name === undefined
      ? undefined
      : {
          upn: name,
          ...(objectId === undefined ? {} : { objectId }),
          ...(tenantId === undefined ? {} : { tenantId }),
        };
  };

  const sourceIdentity = identity("source");
  // The on-premises mailbox's GUIDs, as Get-Mailbox shows them there: hybrid moves check them.
  const exchangeGuid = guid("exchangeGuid");
  const archiveGuid = guid("archiveGuid");
  const source =
    sourceIdentity === undefined
      ? undefined
      : {
          ...sourceIdentity,
          ...(exchangeGuid === undefined ? {} : { exchangeGuid }),
          ...(archiveGuid === undefined ? {} : { archiveGuid }),
        };
  const target = identity("target");

  let waveId: string | undefined;
  const waveCell = cell("wave").toLowerCase();
  if (waveCell !== "" && context.defaultWave !== undefined && waveCell !== context.defaultWave) {
    problem("wave", `row names wave ${shown(waveCell)} but --wave ${context.defaultWave} was given`);
  } else if (waveCell === "" && context.defaultWave === undefined) {
    problem("wave", "is empty and no --wave was given");
  } else {
    const candidate = waveCell === "" ? (context.defaultWave ?? "") : waveCell;
    const status = context.waves.get(candidate);
    if (!isWaveId(candidate)) problem("wave", `${shown(candidate)} is not a wave id`);
    else if (status === undefined)
      problem("wave", `wave ${shown(candidate)} does not exist (create it with mailferry wave create)`);
    else if (CLOSED_WAVES.has(status))
      problem("wave", `wave ${shown(candidate)} is ${status} and takes no more accounts`);
    else waveId = candidate;
  }

  let priority = 0;
  const priorityCell = cell("priority");
  if (priorityCell !== "") {
    const value = /^[+-]?\d+$/.test(priorityCell) ? Number(priorityCell) : Number.NaN;
    if (!Number.isInteger(value) || value < PRIORITY_MIN || value > PRIORITY_MAX) {
      problem(
        "priority",
        `${shown(priorityCell)} is not a whole number from ${PRIORITY_MIN} to ${PRIORITY_MAX}`,
      );
    } else {
      priority = value;
    }
  }

  if (problems.length > 0 || source === undefined || target === undefined || waveId === undefined) {
    return { ok: false, problems };
  }
  return { ok: true, account: { waveId, source, target, priority } };
}
