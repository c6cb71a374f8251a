import { describeError, isPmaError } from "../../lib/errors";

export interface OutputOptions {
  json?: boolean;
}

/** Prints a command's result: one JSON document with --json, the human rendering otherwise. */
export function emit(options: OutputOptions, data: unknown, human: () => string): void {
  if (options.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else process.stdout.write(`${human()}\n`);
}

/** Prints a failure and sets a non-zero exit code. With --json the error is also one JSON document on stdout. */
export function fail(options: OutputOptions, error: unknown): void {
  if (options.json) {
    const body = isPmaError(error)
      ? { error: { code: error.code, message: error.message, details: error.details ?? null } }
      : { error: { code: "internal", message: describeError(error) } };
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  }
  process.stderr.write(`pma-lab: ${describeError(error)}\n`);
  process.exitCode = isPmaError(error) ? 1 : 2;
}

/** Wraps a command action so that every failure is reported the same way. */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void> | void) {
  return async (...args: A): Promise<void> => {
    const options = findOptions(args);
    try {
      await run(...args);
    } catch (error) {
      fail(options, error);
    }
  };
}

function findOptions(args: unknown[]): OutputOptions {
  // commander passes (...positionals, options, command); the options object is the second to last.
  const candidate = args.length >= 2 ? args[args.length - 2] : undefined;
  return candidate && typeof candidate === "object" && !Array.isArray(candidate) ? (candidate as OutputOptions) : {};
}
