import { expect } from 'vitest';
import { SafetensorsError } from '../../src/serialization/index.js';

const utf8 = new TextEncoder();

/** Bytes of a file: u64 little-endian header length, the header text as given, then `data`. */
export function fileFromHeader(
  header: string,
  data: ArrayLike<number> = [],
  declaredLength?: bigint,
): Uint8Array {
  const json = utf8.encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(Array.from(data), 8 + json.length);
  return out;
}

/** Runs `action` and checks it throws a SafetensorsError whose message matches `pattern`. */
export function expectSafetensorsError(action: () => unknown, pattern: RegExp): SafetensorsError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a SafetensorsError').toBeInstanceOf(SafetensorsError);
  const error = caught as SafetensorsError;
  expect(error.name).toBe('SafetensorsError');
  expect(error.message).toMatch(pattern);
  return error;
}

/** Names of Object.prototype's properties, to check that parsing never adds any. */
export function prototypeSnapshot(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

export function expectPrototypesClean(before: string[]): void {
  expect(prototypeSnapshot()).toEqual(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
}
