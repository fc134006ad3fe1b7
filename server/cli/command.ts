// The one shape of a `telemetry-lens` subcommand. Each command is a file in server/cli/ exporting one
// as its default, listed in registry.ts.

export interface Command {
  /** The word after `telemetry-lens`. */
  name: string;
  /** One line for `telemetry-lens --help`. */
  summary: string;
  /** What `telemetry-lens <name> --help` prints. */
  usage: string;
  /** Runs the command; resolves to the exit code: 0 ok, 1 findings at error severity or a failed check, 2 usage or input error. */
  run(argv: string[]): Promise<number>;
}

/** A bad option or argument: the command prints the message and exits 2. */
export class UsageError extends Error {}
