// JSON.parse keeps the last of two equal keys and builds whatever nesting it is given. This pass
// runs over the header text without recursion, before JSON.parse, to bound nesting depth and to
// find repeated keys, which a safetensors header must not have: a repeated tensor name would
// silently drop a tensor. On text that is not valid JSON it still ends, and its duplicate report
// is ignored because JSON.parse reports the syntax error.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export interface DuplicateKey {
  key: string;
  /** Nesting level of the object holding the key: 1 for the header itself. */
  depth: number;
  /** The key under which that object sits, if any (the tensor name for an entry). */
  parent: string | undefined;
}

export interface JsonScan {
  /** Set when nesting goes beyond `maxDepth`; scanning stops there. */
  tooDeep: boolean;
  duplicate: DuplicateKey | undefined;
}

interface Frame {
  /** The keys seen so far, for an object; null for an array. */
  keys: Set<string> | null;
  lastKey: string | undefined;
  parent: string | undefined;
}

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function decodeKey(text: string, start: number, end: number, escaped: boolean): string | undefined {
  if (!escaped) return text.slice(start + 1, end);
  try {
    const key: unknown = JSON.parse(text.slice(start, end + 1));
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined; // a bad escape: JSON.parse of the whole header will say so
  }
}

export function scanJson(text: string, maxDepth: number): JsonScan {
  const stack: Frame[] = [];
  let duplicate: DuplicateKey | undefined;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const start = i;
      let escaped = false;
      i++;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === BACKSLASH) {
          escaped = true;
          i += 2;
        } else if (c === QUOTE) {
          break;
        } else {
          i++;
        }
      }
      const end = Math.min(i, n);
      i = end + 1;
      const top = stack[stack.length - 1];
      if (top?.keys) {
        let j = i;
        while (j < n && isJsonWhitespace(text.charCodeAt(j))) j++;
        if (text.charCodeAt(j) === COLON) {
          const key = decodeKey(text, start, end, escaped);
          if (key !== undefined) {
            if (duplicate === undefined && top.keys.has(key)) {
              duplicate = { key, depth: stack.length, parent: top.parent };
            }
            top.keys.add(key);
            top.lastKey = key;
          }
        }
      }
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (stack.length >= maxDepth) return { tooDeep: true, duplicate };
      const outer = stack[stack.length - 1];
      stack.push({
        keys: code === OPEN_BRACE ? new Set<string>() : null,
        lastKey: undefined,
        parent: outer?.keys ? outer.lastKey : undefined,
      });
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      stack.pop();
    }
    i++;
  }
  return { tooDeep: false, duplicate };
}
