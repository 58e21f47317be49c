import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rand, Tensor, tensor } from '@fovea/tensor';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCall, SCALE, SEED } from '../../tensor/test/fuzz/harness.js';
import { argument } from '../../tensor/test/fuzz/values.js';
import { Conv2d, load, save, serialize } from '../src/index.js';

/**
 * Issue 17's fuzz suite over `save` and `load`, which fuzz.test.ts leaves out because they touch
 * the file system: every path is inside a temporary folder made for this file (a new file, an
 * existing checkpoint, the folder itself, a missing folder, a file used as a folder, a FIFO, a
 * name too long, a NUL byte), or not a string at all. A refused save leaves the existing file's
 * bytes as they were and no temporary file behind; a save that succeeds loads back the same
 * tensors. `load` reads hostile contents: a valid checkpoint with bytes overwritten, cut short or
 * spliced, and random bytes.
 */

const folder = mkdtempSync(join(tmpdir(), 'fovea-fuzz-files-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const KEPT = join(folder, 'kept.safetensors');
const keptBytes = serialize({ w: tensor([1, 2, 3]) });
const fifo = join(folder, 'fifo');
/** A save over the FIFO replaces it with a file, as over any file: made again before each case. */
function makeFifo(): void {
  if (lstatSync(fifo, { throwIfNoEntry: false })?.isFIFO()) return;
  rmSync(fifo, { force: true });
  execFileSync('mkfifo', [fifo]);
}
mkdirSync(join(folder, 'sub'));

/** The folder's entries besides those this file made: what a failed save must not leave. */
const made = new Set(['kept.safetensors', 'fifo', 'sub']);
const strays = () => readdirSync(folder).filter((name) => !made.has(name) && !name.startsWith('new-'));

let written = 0;
const paths = fc.oneof(
  fc.constantFrom(
    KEPT,
    folder,
    join(folder, 'sub'),
    join(folder, 'missing', 'x.safetensors'),
    join(KEPT, 'x.safetensors'),
    fifo,
    join(folder, 'x'.repeat(300)),
    join(folder, 'nul\0byte'),
    '',
  ),
  fc.constant(null).map(() => join(folder, `new-${written++}.safetensors`)),
  // Not strings: refused before any file is touched.
  argument().filter((value) => typeof value !== 'string'),
);

const stateDicts = fc.oneof(
  fc
    .constantFrom(
      () => ({ w: rand([2, 2]) }),
      () => new Conv2d(1, 2, 3).stateDict(),
      () => ({ w: rand([2]), b: tensor([1, 2], { dtype: 'int32' }), m: tensor([true]) }),
      () => ({ w: 'x' }),
      () => ({ w: rand([2]), v: rand([2]).expand([3, 2]) }),
      () => new Map([['w', rand([1])]]),
    )
    .map((make) => make()),
  argument(),
);

/** Valid bytes with bytes overwritten, cut short or spliced, and random bytes. */
const hostileContents: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
    .map((writes) => {
      const bytes = keptBytes.slice();
      for (const [at, value] of writes) bytes[at % bytes.length] = value;
      return bytes;
    }),
  fc.nat().map((cut) => keptBytes.subarray(0, cut % keptBytes.length)),
  fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 32 })).map(([at, insert]) => {
    const i = at % keptBytes.length;
    return Uint8Array.from([...keptBytes.subarray(0, i), ...insert, ...keptBytes.subarray(i)]);
  }),
  fc.uint8Array({ maxLength: 64 }),
);

const options = fc.oneof(
  fc.constant(undefined),
  fc.record(
    { metadata: fc.oneof(fc.dictionary(fc.string(), fc.string()), argument()) },
    { requiredKeys: [] },
  ),
  fc.record({ maxBytes: fc.oneof(fc.nat(), argument()) }, { requiredKeys: [] }),
  argument(),
);

/** The tensors of a state dict, as plain values, to compare what was saved with what loads. */
function contents(stateDict: unknown): Record<string, unknown> {
  const entries = stateDict instanceof Map ? [...stateDict] : Object.entries(stateDict as object);
  return Object.fromEntries(
    entries.map(([key, t]) => [key, { dtype: (t as Tensor).dtype, values: (t as Tensor).toArray() }]),
  );
}

// Each save fsyncs a file and its folder: 30 runs keep the suite within a second.
const run = { seed: SEED, numRuns: 30 * SCALE, includeErrorInReport: true };

describe('fuzz: save and load in a temporary folder', () => {
  it('save writes a checkpoint that loads back, or refuses and leaves the old file whole', async () => {
    await fc.assert(
      fc.asyncProperty(stateDicts, paths, options, async (stateDict, path, o) => {
        writeFileSync(KEPT, keptBytes);
        makeFifo();
        const args = [stateDict, path, o];
        let saved = false;
        await checkCall({ call: 'save' }, args, () => {
          save(stateDict as never, path as never, o as never);
          saved = true;
        });
        if (saved) {
          expect(contents(load(path as string))).toEqual(contents(stateDict));
        } else {
          expect(readFileSync(KEPT)).toEqual(Buffer.from(keptBytes));
        }
        expect(strays()).toEqual([]);
      }),
      run,
    );
  });

  it('load gives the tensors of a file, or an error naming load, whatever the file holds', async () => {
    const file = join(folder, 'hostile.safetensors');
    made.add('hostile.safetensors');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileContents, fc.constant(keptBytes)),
        fc.oneof(paths, fc.constant(file)),
        options,
        async (bytes, path, o) => {
          writeFileSync(file, bytes);
          makeFifo();
          const loaded = await checkCall({ call: 'load' }, [path, o], () => load(path as never, o as never));
          if (loaded !== undefined) {
            for (const t of Object.values(loaded as object)) expect(t).toBeInstanceOf(Tensor);
          }
        },
      ),
      run,
    );
  });
});
