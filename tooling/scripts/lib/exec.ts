import { spawnSync } from 'node:child_process';

export interface ExecResult {
  command: string;
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a program to completion; never throws, so a caller can report what the program said. */
export function exec(program: string, args: readonly string[], options: ExecOptions): ExecResult {
  const result = spawnSync(program, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const spawnError = result.error ? `\n${result.error.message}` : '';
  return {
    command: [program, ...args].join(' '),
    status: result.status,
    stdout: result.stdout ?? '',
    stderr: (result.stderr ?? '') + spawnError,
  };
}

/** Like `exec`, but a non-zero exit is an error carrying the program's output. */
export function execOrThrow(program: string, args: readonly string[], options: ExecOptions): ExecResult {
  const result = exec(program, args, options);
  if (result.status !== 0) throw new Error(describeFailure(result, options.cwd));
  return result;
}

export function describeFailure(result: ExecResult, cwd: string): string {
  const output = `${result.stdout}\n${result.stderr}`.trim();
  return `\`${result.command}\` (in ${cwd}) exited with ${result.status}${output ? `:\n${indent(output)}` : ''}`;
}

export function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}
