import { setNumThreads } from '@fovea/tensor';
import { operands } from './data.js';
import { foveaPeer } from './peers/fovea.js';
import { WORKLOADS } from './workloads.js';
const name = process.argv[2] ?? 'W4';
const reps = Number(process.argv[3] ?? 30);
const choice = (process.argv[4] === 'auto' ? undefined : process.argv[4]) as any;
const w = WORKLOADS.find((w) => w.name === name)!;
const data = operands(w);
const runner = await foveaPeer(1, choice).prepare(w, 'forward', w.x[0], data);
setNumThreads(1);
await runner.run();
const ms: number[] = [];
for (let r = 0; r < reps; r++) { const t = performance.now(); await runner.run(); ms.push(performance.now() - t); }
ms.sort((a, b) => a - b);
console.log(name, choice, 'median', ms[ms.length >> 1].toFixed(2), 'best', ms[0].toFixed(2));
process.exit(0);
