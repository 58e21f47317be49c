import { setNumThreads } from '@fovea/tensor';
import { operands } from './data.js';
import { foveaPeer } from './peers/fovea.js';
import { median } from './timing.js';
import { WORKLOADS } from './workloads.js';
const [name, a, b, pairsArg, pass] = process.argv.slice(2);
const w = WORKLOADS.find((w) => w.name === name)!;
const data = operands(w);
const runners = [];
for (const c of [a, b]) { const r = await foveaPeer(1, c === 'auto' ? undefined : (c as any)).prepare(w, (pass ?? 'forward') as any, w.x[0], data); await r.run(); runners.push(r); }
setNumThreads(1);
const ms: number[][] = [[], []];
for (let r = 0; r < Number(pairsArg ?? 21); r++) for (const i of r % 2 ? [1, 0] : [0, 1]) { const t = performance.now(); await runners[i].run(); ms[i].push(performance.now() - t); }
console.log(name, a, median(ms[0]).toFixed(2), Math.min(...ms[0]).toFixed(2), b, median(ms[1]).toFixed(2), Math.min(...ms[1]).toFixed(2), 'a/b', median(ms[0].map((x, i) => x / ms[1][i])).toFixed(3));
process.exit(0);
