// `pnpm size`: @fovea/tensor as a browser bundle includes it, against tooling/scripts/size/budget.json.
import { overBudget, readBudgets } from './budget.js';
import { measurePackage } from './measure.js';

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`.padStart(10);
}

const report = await measurePackage('@fovea/tensor');
const budget = readBudgets()[report.packageName];
console.log(`${report.packageName} (esbuild: minified ESM for the browser; gzip -9)`);
const label = (text: string) => `  ${text.padEnd(24)}`;
console.log(`${label('whole package')}min ${kb(report.full.minBytes)}   gzip ${kb(report.full.gzipBytes)}`);
for (const w of report.wasm) {
  const note = w.referenced ? '' : '   (shipped, but the code never names it)';
  console.log(`${label(w.file)}    ${kb(w.bytes)}   gzip ${kb(w.gzipBytes)}${note}`);
}
if (report.wasm.length === 0)
  console.log(`${label('.wasm files')}none shipped (a wasm inlined in JS counts above)`);
console.log(`${label('code + .wasm')}${' '.repeat(17)}gzip ${kb(report.totalGzipBytes)}`);
console.log(
  `${label('a corr2d-only program')}min ${kb(report.corr2dOnly.minBytes)}   gzip ${kb(report.corr2dOnly.gzipBytes)}` +
    `   (${(report.corr2dShare * 100).toFixed(1)}% of the whole package's minified bytes)`,
);
if (budget) {
  console.log(
    `  budget: whole ${budget.fullGzipBytes} B, total ${budget.totalGzipBytes} B, corr2d only ` +
      `${budget.corr2dOnlyGzipBytes} B gzip; corr2d share <= ${(budget.maxCorr2dShare * 100).toFixed(0)}%`,
  );
}
if (process.argv.includes('--modules')) {
  console.log('\nkept by the corr2d-only program (from the sources, minified bytes):');
  for (const m of report.corr2dModules) console.log(`  ${String(m.bytes).padStart(7)}  ${m.module}`);
  console.log('dropped by it:');
  for (const m of report.droppedModules) console.log(`  ${String(m.bytes).padStart(7)}  ${m.module}`);
}
const problems = overBudget(report, budget);
for (const problem of problems) console.log(`\nOVER BUDGET ${problem}`);
if (problems.length > 0) process.exitCode = 1;
else console.log('within budget');
