import { AzureLocalError } from "../errors.js";

/** A simulator option or test-helper argument is not acceptable. */
export class ExchangeSimulatorInputError extends AzureLocalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExchangeSimulatorInputError";
  }
}

/**
 * A cmdlet failed the way Exchange Online reports it over the admin REST endpoint: an HTTP status
 * and an error body whose `details[0].message` is `<code>|<exception type>|<message>`.
 */
export class CmdletError extends AzureLocalError {
  constructor(
    readonly status: number,
    /** Full .NET type name of the exception, e.g. Microsoft.Exchange...ManagementObjectNotFoundException. */
    readonly exceptionType: string,
    message: string,
  ) {
    super(message);
    this.name = "CmdletError";
  }
}

const MANAGEMENT = "Microsoft.Exchange.Configuration.Tasks";
const MIGRATION = "Microsoft.Exchange.Migration";
const AUTOMATION = "System.Management.Automation";

/** `Get-X -Identity y` found nothing. */
export function notFound(what: string): CmdletError {
  return new CmdletError(
    404,
    `${MANAGEMENT}.ManagementObjectNotFoundException`,
    `The operation couldn't be performed because object '${what}' couldn't be found on 'EXOSIM01A001DC01.sim.prod.outlook.com'.`,
  );
}

/** A parameter name the cmdlet does not have in Exchange Online. */
export function unknownParameter(name: string): CmdletError {
  return new CmdletError(
    400,
    `${AUTOMATION}.ParameterBindingException`,
    `A parameter cannot be found that matches parameter name '${name}'.`,
  );
}

/** No parameter set takes the named parameters together. */
export function ambiguousParameters(): CmdletError {
  return new CmdletError(
    400,
    `${AUTOMATION}.ParameterBindingException`,
    "Parameter set cannot be resolved using the specified named parameters. One or more parameters issued cannot be used together or an insufficient number of parameters were provided.",
  );
}

/** A mandatory parameter was not given. */
export function missingMandatory(names: readonly string[]): CmdletError {
  return new CmdletError(
    400,
    `${AUTOMATION}.ParameterBindingException`,
    `Cannot process command because of one or more missing mandatory parameters: ${names.join(" ")}.`,
  );
}

/** The cmdlet does not exist (or not in Exchange Online). */
export function unknownCmdlet(name: string): CmdletError {
  return new CmdletError(
    400,
    `${AUTOMATION}.CommandNotFoundException`,
    `The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program.`,
  );
}

/** A parameter value that cannot be bound (wrong type or not one of the allowed values). */
export function badValue(parameter: string, detail: string): CmdletError {
  return new CmdletError(
    400,
    `${AUTOMATION}.ParameterBindingException`,
    `Cannot bind parameter '${parameter}'. ${detail}`,
  );
}

/** A migration operation refused as the organisation stands. */
export function migrationError(type: string, message: string, status = 400): CmdletError {
  return new CmdletError(status, `${MIGRATION}.${type}`, message);
}

/** A task-level validation failure (the recipient is not in the right state, ...). */
export function taskError(type: string, message: string, status = 400): CmdletError {
  return new CmdletError(status, `${MANAGEMENT}.${type}`, message);
}
