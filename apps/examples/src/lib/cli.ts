import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A mistake on the command line: printed with the command's usage hint, exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can fix (a missing file, bad data): printed without a stack, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | undefined>;

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text. */
  usage: string;
  options: Options;
  /** How many positional arguments the command takes. */
  positionals: { min: number; max: number };
  run(values: Values, positionals: string[]): void | Promise<void>;
}

/** `--seed` and `--help`, which every command that draws random numbers shares. */
export const SEED_OPTION: Options = { seed: { type: 'string' } };
export const HELP_OPTION: Options = { help: { type: 'boolean', short: 'h' } };

/** Parses `argv` strictly for `command`, turning node's parse errors into usage errors. */
export function parseCommandArgs(
  command: Command,
  argv: string[],
): { values: Values; positionals: string[] } {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...command.options, ...HELP_OPTION },
      allowPositionals: true,
      strict: true,
    }) as { values: Values; positionals: string[] };
  } catch (error) {
    throw new UsageError(`${command.name}: ${(error as Error).message}`);
  }
  const { min, max } = command.positionals;
  const count = parsed.positionals.length;
  if (!parsed.values.help && (count < min || count > max)) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    const extra = count > max ? ` (unexpected: ${parsed.positionals.slice(max).join(' ')})` : '';
    throw new UsageError(`${command.name}: expected ${expected} argument(s), got ${count}${extra}`);
  }
  return parsed;
}

/** An integer option, checked: `--steps 300`. */
export function intOption(
  command: string,
  name: string,
  value: string | boolean | undefined,
  fallback: number,
  min = 0,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new UsageError(`${command}: --${name} must be an integer >= ${min}, got '${String(value)}'`);
  }
  return n;
}

/** A finite positive number option: `--lr 0.03`. */
export function positiveOption(
  command: string,
  name: string,
  value: string | boolean | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${command}: --${name} must be a positive number, got '${String(value)}'`);
  }
  return n;
}

/** The default seed: every run prints the same numbers unless `--seed` says otherwise. */
export const DEFAULT_SEED = 0;

export function seedOption(command: string, values: Values): number {
  return intOption(command, 'seed', values.seed, DEFAULT_SEED, 0);
}
