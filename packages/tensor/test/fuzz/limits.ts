import { Tensor } from '../../src/index.js';

/**
 * The time and memory a fuzzed call may take (issue 17's rules, with the lead's allowance for
 * large valid results).
 *
 * A call may grow memory by `baseBytes` (256 MB) and take `baseMs` (1 s), plus an allowance for
 * the size of what it returns: `resultBytes` more memory and `nsPerResultByte` more nanoseconds
 * per byte of it. So a valid request for a large tensor, within `MAX_ELEMENTS` (`arange(2 ** 31,
 * undefined, 2)` is 2^30 int32 values, 4 GiB), may take the memory it is and the time a plain
 * fill of that much memory takes; an error carries no result, so it must still come within 1 s
 * and 256 MB (sizes are checked before anything is allocated), and a call that allocates much
 * more than it returns still fails.
 */
export interface Limits {
  readonly baseMs: number;
  readonly baseBytes: number;
  readonly nsPerResultByte: number;
}

/**
 * 4 ns per byte of the result: twice a plain fill here. A JS loop writing `lo + i * step` into a
 * fresh typed array (which pays for the page faults of new memory) measured 1.85 ns/byte over
 * 2^30 int32 values (4 GiB, 7.9 s) and 2.09 ns/byte over 2^30 float32 values, with 0.6-3.7
 * ns/byte at 4-256 MB, on this 2-core machine shared by six sessions. An op at fill speed meets
 * it under load; one doing a call and a range check per element (arange before, 5 ns/byte at
 * 256 MB and 81 s at 4 GiB) does not.
 */
export const LIMITS: Limits = { baseMs: 1000, baseBytes: 256 * 2 ** 20, nsPerResultByte: 4 };

/** The time `limits` allow a call that returned `bytes` bytes of values. */
export function allowedMs(limits: Limits, bytes: number): number {
  return limits.baseMs + (limits.nsPerResultByte * bytes) / 1e6;
}

/** The memory growth `limits` allow a call that returned `bytes` bytes of values. */
export function allowedBytes(limits: Limits, bytes: number): number {
  return limits.baseBytes + bytes;
}

/** How many objects {@link resultBytes} looks into: a result is a tensor, a few, or a module. */
const MAX_VISITS = 100_000;

/**
 * The values `x` holds in its own fields (an array: its first elements), never running a getter:
 * a lazy module's `weight` throws until a forward has run, and a getter may compute something.
 */
function ownValues(x: object): unknown[] {
  try {
    if (Array.isArray(x)) return x.slice(0, MAX_VISITS);
    const fields = Object.values(Object.getOwnPropertyDescriptors(x));
    return fields.flatMap((field) => ('value' in field ? [field.value] : []));
  } catch {
    // A proxy may refuse to list its keys: it holds nothing that counts.
    return [];
  }
}

/**
 * The bytes of the values `result` holds: the host storage of each tensor reachable from it (its
 * gradient's too) and each typed array or ArrayBuffer, each buffer counted once, however deep
 * (arrays, objects, maps and sets, as a tuple, a state dict or a module holds them). A device
 * buffer holds no host memory, so it counts nothing.
 */
export function resultBytes(result: unknown): number {
  const buffers = new Set<ArrayBufferLike>();
  const seen = new Set<unknown>();
  const pending: unknown[] = [result];
  for (let visits = 0; pending.length > 0 && visits < MAX_VISITS; visits++) {
    const x = pending.pop();
    if (typeof x !== 'object' || x === null || seen.has(x)) continue;
    seen.add(x);
    if (x instanceof Tensor) {
      if (x.storage.host !== null) buffers.add(x.storage.host.buffer);
      pending.push(x.grad);
    } else if (ArrayBuffer.isView(x)) buffers.add(x.buffer);
    else if (x instanceof ArrayBuffer || x instanceof SharedArrayBuffer) buffers.add(x);
    else if (x instanceof Map) pending.push(...[...x].flat().slice(0, MAX_VISITS));
    else if (x instanceof Set) pending.push(...[...x].slice(0, MAX_VISITS));
    else pending.push(...ownValues(x));
  }
  let bytes = 0;
  for (const buffer of buffers) bytes += buffer.byteLength;
  return bytes;
}
