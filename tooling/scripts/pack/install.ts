import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExecResult, exec } from '../lib/exec.js';

/**
 * The environment npm runs in: the caller's, minus every `npm_*` variable (pnpm sets registry
 * and config variables for the scripts it runs) and with user and global config files that are
 * empty, so only the command line decides what npm may do.
 */
function isolatedEnv(projectDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key)) env[key] = value;
  }
  for (const level of ['user', 'global'] as const) {
    const emptyConfig = join(projectDir, `.npmrc-${level}`);
    writeFileSync(emptyConfig, '');
    env[`npm_config_${level}config`] = emptyConfig;
  }
  env.npm_config_update_notifier = 'false';
  return env;
}

/**
 * Makes `projectDir` a fresh ESM project and `npm install`s the given tarballs into it with no
 * network: `--offline` with an empty, private cache, so any package that is not one of the
 * tarballs fails with ENOTCACHED instead of being fetched (or found in a warm cache).
 */
export function installTarballs(projectDir: string, tarballs: readonly string[]): ExecResult {
  mkdirSync(projectDir, { recursive: true });
  writeFileSync(
    join(projectDir, 'package.json'),
    `${JSON.stringify({ name: 'fovea-pack-smoke', private: true, type: 'module' }, null, 2)}\n`,
  );
  return exec(
    'npm',
    [
      'install',
      '--offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--no-package-lock',
      '--cache',
      join(projectDir, '.npm-cache'),
      ...tarballs,
    ],
    { cwd: projectDir, env: isolatedEnv(projectDir), timeoutMs: 120_000 },
  );
}
