/**
 * PyTorch-like module paths for imported layers. PyTorch's exporter names initializers by their
 * state-dict keys (`features.0.weight`) unless it folded or renamed them (`onnx::Conv_123`), and
 * names nodes by module scope (`/layer1/layer1.0/conv1/Conv`); either gives the layer's path.
 */
export class LayerNames {
  readonly #taken = new Set<string>();
  readonly #counts = new Map<string, number>();

  /** The path for a node's layer, from its weight's initializer name, else its node name, else its op. */
  pathFor(opType: string, nodeName: string, weightName: string | undefined): string {
    const fromWeight = weightName === undefined ? null : stateDictPrefix(weightName);
    const base = fromWeight ?? scopePath(nodeName) ?? this.#numbered(opType.toLowerCase());
    let path = base;
    for (let k = 1; this.#clashes(path); k++) path = `${base}_${k}`;
    this.#taken.add(path);
    return path;
  }

  #numbered(base: string): string {
    const k = this.#counts.get(base) ?? 0;
    this.#counts.set(base, k + 1);
    return `${base}${k}`;
  }

  /** A path clashes when it is taken, or is a prefix of a taken one, or a taken one is its prefix. */
  #clashes(path: string): boolean {
    for (const t of this.#taken) {
      if (t === path || t.startsWith(`${path}.`) || path.startsWith(`${t}.`)) return true;
    }
    return false;
  }
}

const SEGMENT = /^[A-Za-z0-9_]+$/;

/** `features.0.weight` -> `features.0`; null for names that are no state-dict key. */
export function stateDictPrefix(name: string): string | null {
  const parts = name.split('.');
  if (parts.length < 2 || !parts.every((p) => SEGMENT.test(p))) return null;
  return parts.slice(0, -1).join('.');
}

/**
 * The parameter's own name within its layer: `features.0.weight` -> `weight`, and a top-level
 * key such as `scale` as it is; null for generated names (`onnx::Mul_12`).
 */
export function parameterName(name: string): string | null {
  if (SEGMENT.test(name)) return name;
  return stateDictPrefix(name) === null ? null : name.slice(name.lastIndexOf('.') + 1);
}

/**
 * `/layer1/layer1.1/downsample/downsample.0/Conv` -> `layer1.1.downsample.0`: PyTorch writes a
 * child of a container qualified by the container's name (`layer1.1` within `layer1`), so a
 * segment that extends the previous one adds only its remainder. Null for other names.
 */
export function scopePath(nodeName: string): string | null {
  if (!nodeName.startsWith('/')) return null;
  const segments = nodeName.split('/').slice(1, -1);
  if (segments.length === 0) return null;
  const parts: string[] = [];
  let previous = '';
  for (const s of segments) {
    if (!s.split('.').every((p) => SEGMENT.test(p))) return null;
    parts.push(previous !== '' && s.startsWith(`${previous}.`) ? s.slice(previous.length + 1) : s);
    previous = s;
  }
  return parts.join('.');
}
