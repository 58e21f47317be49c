/**
 * The kernels' binary importing a shared memory, derived from the one importing a private
 * memory. AssemblyScript's `--sharedMemory --maximumMemory` build differs from the plain one only
 * in the memory import's limits (flags 3: shared, with a maximum), so the package embeds one
 * binary, not two nearly equal ones: gzip, whose window is 32 KiB, no longer found the second
 * copy once the binary grew past 24 KiB. test/wasm/binary.test.ts checks the result against
 * the shared build byte for byte.
 */

/** An unsigned LEB128 number at `at`: its value and where it ends. */
function readU32(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) throw new Error('fovea wasm: truncated binary');
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, at];
    shift += 7;
  }
}

function writeU32(value: number, out: number[]): void {
  do {
    const byte = value & 0x7f;
    value = Math.floor(value / 128);
    out.push(value === 0 ? byte : byte | 0x80);
  } while (value !== 0);
}

const IMPORT_SECTION = 2;
const FUNC = 0;
const TABLE = 1;
const MEMORY = 2;
const GLOBAL = 3;

/** Copies limits at `at` into out (a memory's with flags 3 and `maximum` when `shared`). */
function copyLimits(bytes: Uint8Array, at: number, out: number[], shared: number | null): number {
  const flags = bytes[at];
  const [min, afterMin] = readU32(bytes, at + 1);
  const end = flags & 1 ? readU32(bytes, afterMin)[1] : afterMin;
  if (shared === null) {
    for (let i = at; i < end; i++) out.push(bytes[i]);
  } else {
    out.push(0x03);
    writeU32(min, out);
    writeU32(shared, out);
  }
  return end;
}

/** The import section's contents with every memory import made shared. */
function sharedImports(bytes: Uint8Array, start: number, end: number, maximumPages: number): number[] {
  const out: number[] = [];
  let [count, at] = readU32(bytes, start);
  writeU32(count, out);
  for (; count > 0; count--) {
    const from = at;
    for (let name = 0; name < 2; name++) {
      const [length, afterLength] = readU32(bytes, at);
      at = afterLength + length;
    }
    const kind = bytes[at++];
    for (let i = from; i < at; i++) out.push(bytes[i]);
    if (kind === FUNC) {
      const [, next] = readU32(bytes, at);
      for (let i = at; i < next; i++) out.push(bytes[i]);
      at = next;
    } else if (kind === TABLE) {
      out.push(bytes[at]);
      at = copyLimits(bytes, at + 1, out, null);
    } else if (kind === MEMORY) {
      at = copyLimits(bytes, at, out, maximumPages);
    } else if (kind === GLOBAL) {
      out.push(bytes[at], bytes[at + 1]);
      at += 2;
    } else {
      throw new Error(`fovea wasm: unexpected import kind ${kind}`);
    }
  }
  if (at !== end) throw new Error('fovea wasm: malformed import section');
  return out;
}

/** `binary` with its imported memory declared shared, growing to at most `maximumPages`. */
export function withSharedMemory(binary: Uint8Array, maximumPages: number): Uint8Array<ArrayBuffer> {
  let at = 8;
  while (at < binary.length) {
    const id = binary[at];
    const [size, start] = readU32(binary, at + 1);
    const end = start + size;
    if (id === IMPORT_SECTION) {
      const contents = sharedImports(binary, start, end, maximumPages);
      const header = [id];
      writeU32(contents.length, header);
      const out = new Uint8Array(at + header.length + contents.length + (binary.length - end));
      out.set(binary.subarray(0, at));
      out.set(header, at);
      out.set(contents, at + header.length);
      out.set(binary.subarray(end), at + header.length + contents.length);
      return out;
    }
    at = end;
  }
  throw new Error('fovea wasm: the kernels import no memory');
}
