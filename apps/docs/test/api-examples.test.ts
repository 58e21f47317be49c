// Runs the `@example` blocks of the packages' doc comments, which the API pages show, so that an
// example that no longer works fails here. A line `expression; // 'text'` or `expression; // [1, 2]`
// (or a number, a boolean, an object) also checks that the expression gives that value.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as autograd from '@fovea/autograd';
import * as data from '@fovea/data';
import * as nn from '@fovea/nn';
import * as optim from '@fovea/optim';
import * as receptiveField from '@fovea/receptive-field';
import * as tensor from '@fovea/tensor';
import { transform } from 'sucrase';
import { describe, expect, it } from 'vitest';
import { DOCS_DIR } from './site';

const MODULES: Record<string, object> = {
  '@fovea/autograd': autograd,
  '@fovea/data': data,
  '@fovea/nn': nn,
  '@fovea/optim': optim,
  '@fovea/receptive-field': receptiveField,
  '@fovea/tensor': tensor,
};
const PACKAGES = ['tensor', 'autograd', 'nn', 'optim', 'receptive-field', 'data'];

interface Example {
  where: string;
  code: string;
}

/** Every `@example` fence of a package's sources, with the comment's ` * ` taken off. */
function examples(pkg: string): Example[] {
  const src = join(DOCS_DIR, '../../packages', pkg, 'src');
  const files = readdirSync(src, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts'));
  const found: Example[] = [];
  for (const file of files) {
    const text = readFileSync(join(src, file), 'utf8');
    for (const match of text.matchAll(/@example\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/g)) {
      const line = text.slice(0, match.index).split('\n').length;
      const code = match[1]
        .split('\n')
        .map((row) => row.replace(/^\s*\*( |$)/, ''))
        .join('\n');
      found.push({ where: `${pkg}/src/${file}:${line}`, code });
    }
  }
  return found;
}

const CLAIM = /^(\s*)([^/].*?);\s*\/\/\s*(.*)$/;

/**
 * The value a comment states at its start: `'text'`, `true`/`false`, a number, or an array or
 * object, which may nest (`[[1, 2], [3, 4]]`) and runs to its matching bracket. Null when the
 * comment states none (words, or a value followed by more than a `;` or a space).
 */
function statedValue(comment: string): string | null {
  let end = 0;
  if (comment.startsWith("'")) end = comment.indexOf("'", 1) + 1;
  else if (/^[[{]/.test(comment)) {
    let depth = 0;
    for (let i = 0; i < comment.length && end === 0; i++) {
      if ('[{'.includes(comment[i])) depth++;
      else if (']}'.includes(comment[i]) && --depth === 0) end = i + 1;
    }
  } else end = /^(true|false|-?\d[\d.e+-]*)/.exec(comment)?.[0].length ?? 0;
  return end > 0 && /^([;\s]|$)/.test(comment.slice(end)) ? comment.slice(0, end) : null;
}

/** `expr; // 'text'` -> `check(expr, "'text'")`: the stated result becomes an assertion. */
function withChecks(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const match = CLAIM.exec(line);
      const claim = match && statedValue(match[3]);
      if (!match || claim === null || /^(const|let|import)\b/.test(match[2])) return line;
      return `${match[1]}check(${match[2]}, ${JSON.stringify(claim)});`;
    })
    .join('\n');
}

/** The value against what its comment says: a string, a number or boolean, or JSON-like data. */
function check(value: unknown, claim: string): void {
  if (claim.startsWith("'")) expect(String(value)).toBe(claim.slice(1, -1));
  else if (/^[[{]/.test(claim)) {
    const json = claim.replaceAll("'", '"').replace(/([{,]\s*)(\w+):/g, '$1"$2":');
    expect(JSON.stringify(value)).toBe(JSON.stringify(JSON.parse(json)));
  } else expect(String(value)).toBe(claim);
}

function run(code: string): void {
  const compiled = transform(withChecks(code), { transforms: ['typescript', 'imports'] }).code;
  const require = (name: string) => {
    if (!(name in MODULES)) throw new Error(`an example imports ${name}`);
    return MODULES[name];
  };
  new Function('require', 'check', 'exports', compiled)(require, check, {});
}

describe('the API pages’ examples', () => {
  for (const pkg of PACKAGES) {
    const found = examples(pkg);
    it(`@fovea/${pkg} has examples`, () => {
      expect(found.length).toBeGreaterThan(0);
    });
    for (const { where, code } of found) {
      it(`${where} runs and gives what it says`, async () => {
        // Examples that save files write them in a scratch folder.
        const scratch = await mkdtemp(join(tmpdir(), 'fovea-example-'));
        const cwd = process.cwd();
        process.chdir(scratch);
        try {
          run(code);
        } finally {
          process.chdir(cwd);
          await rm(scratch, { recursive: true, force: true });
        }
      });
    }
  }
});
