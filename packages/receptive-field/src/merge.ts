import type { AxisField } from './geometry.js';
import type { AlignmentWarning, RFNode } from './types.js';

export interface Incoming {
  from: string;
  fields: readonly AxisField[];
}

function formatPaths(paths: AlignmentWarning['paths']): string {
  return paths.map((p) => `'${p.from}' (jump ${p.jump}, centre ${p.start})`).join(', ');
}

/**
 * Fields of a merge (add, concat) along one axis: a unit sees the union of what its inputs' units
 * see. Paths with the same jump S merge into one box, [min lo, max hi], right for every unit since
 * all boxes move by S per unit. Paths with other jumps stay apart (the union then depends on the
 * unit) and are reported, as are paths whose centres differ (Araujo et al., 2019: a multi-path
 * network is aligned only if all paths have the same effective stride and centre).
 */
export function mergeAxis(
  node: RFNode,
  axis: 0 | 1,
  incoming: readonly Incoming[],
  warnings: AlignmentWarning[],
): AxisField[] {
  const groups = new Map<number, { field: AxisField; paths: AlignmentWarning['paths'] }>();
  for (const { from, fields } of incoming) {
    for (const f of fields) {
      const path = { from, jump: f.jump, start: (f.lo + f.hi) / 2 };
      const group = groups.get(f.jump);
      if (group === undefined) {
        groups.set(f.jump, { field: { ...f }, paths: [path] });
      } else {
        group.field.lo = Math.min(group.field.lo, f.lo);
        group.field.hi = Math.max(group.field.hi, f.hi);
        group.paths.push(path);
      }
    }
  }
  const axisName = axis === 0 ? 'rows' : 'cols';
  const report = (kind: AlignmentWarning['kind'], paths: AlignmentWarning['paths'], why: string) => {
    warnings.push({
      node: node.id,
      name: node.name,
      axis: axisName,
      kind,
      paths,
      message: `node '${node.id}' (${node.type}) is not aligned along ${axisName}: paths ${formatPaths(paths)} ${why}`,
    });
  };
  // Inputs that already carried several jumps were reported where those paths met.
  const jumpSets = new Set(
    incoming.map((i) => [...new Set(i.fields.map((f) => f.jump))].sort((a, b) => a - b).join(' ')),
  );
  if (jumpSets.size > 1) {
    report(
      'jump',
      [...groups.values()].flatMap((g) => g.paths),
      'have different jumps; the merged field depends on the unit',
    );
  }
  for (const [jump, { paths }] of groups) {
    const starts = paths.map((p) => p.start);
    const first = Math.min(...starts);
    if (starts.every((s) => s === first)) continue;
    if (starts.every((s) => (s - first) % jump === 0)) {
      report(
        'shift',
        paths,
        `have centres a whole number of jumps apart; unit x of one sits on another unit of the other`,
      );
    } else {
      report('centre', paths, `have centres that differ by a fraction of the jump ${jump}`);
    }
  }
  return [...groups.values()].map((g) => g.field).sort((a, b) => a.jump - b.jump);
}
