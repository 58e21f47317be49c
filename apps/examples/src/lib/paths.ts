import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Resolves a path the user typed. `pnpm examples` runs the app from apps/examples, so relative
 * paths are taken from where pnpm was invoked (INIT_CWD), as the user expects.
 */
export function userPath(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

/** The 64 x 64 image that ships with the app (made by scripts/make-sample-image.ts). */
export const SAMPLE_IMAGE = fileURLToPath(new URL('../../assets/sample.png', import.meta.url));

/** Where commands write their files unless told otherwise (gitignored at the repo root). */
export function defaultOutputDir(command: string): string {
  return userPath(`test-output/examples/${command}`);
}
