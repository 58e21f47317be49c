import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, analyzeLayers, type LayerSpec, type RFNode } from '../src/index.js';
import { mapLengths, touchedPixels, unboundedField, type Window1d } from './helpers/brute-force.js';
import { window1d } from './helpers/golden.js';

/** A random conv or pool layer with PyTorch-valid parameters (pool padding <= half its span). */
const layerArb: fc.Arbitrary<LayerSpec> = fc
  .record({
    type: fc.constantFrom('conv' as const, 'pool' as const),
    kernel: fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padding: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })),
    ceilMode: fc.boolean(),
  })
  .map(({ type, kernel, stride, dilation, padding, ceilMode }): LayerSpec => {
    if (type === 'conv') return { type, kernel, stride, dilation, padding };
    const half = kernel.map((k, a) => Math.floor((dilation[a] * (k - 1) + 1) / 2));
    return {
      type,
      kernel,
      stride,
      dilation,
      padding: [Math.min(padding[0], half[0]), Math.min(padding[1], half[1])],
      ceilMode,
    };
  });

const stackArb = fc.record({
  layers: fc.array(layerArb, { minLength: 1, maxLength: 5 }),
  inputSize: fc.tuple(fc.integer({ min: 1, max: 48 }), fc.integer({ min: 1, max: 48 })),
});

const windows = (layers: readonly LayerSpec[], axis: 0 | 1): Window1d[] =>
  layers.map((l) => window1d(l, axis));

/** Whether every map of the stack keeps at least one unit, by brute-force window counting. */
const fits = (layers: readonly LayerSpec[], inputSize: [number, number]) =>
  ([0, 1] as const).every((axis) => mapLengths(windows(layers, axis), inputSize[axis]).every((n) => n >= 1));

describe('analyzeLayers against brute-force 1-D propagation (fast-check)', () => {
  it('throws exactly when some map would be empty, else gives the brute-force map sizes', () => {
    fc.assert(
      fc.property(stackArb, ({ layers, inputSize }) => {
        if (!fits(layers, inputSize)) {
          expect(() => analyzeLayers(layers, inputSize)).toThrow('leaves no output');
          return;
        }
        const rf = analyzeLayers(layers, inputSize);
        for (const axis of [0, 1] as const) {
          const lengths = mapLengths(windows(layers, axis), inputSize[axis]);
          expect(rf.layers.map((l) => l.outputSize[axis])).toEqual(lengths.slice(1));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('size r, jump S, effective padding P and start agree with the unbounded walk, layer by layer', () => {
    fc.assert(
      fc.property(stackArb, ({ layers, inputSize }) => {
        fc.pre(fits(layers, inputSize));
        const rf = analyzeLayers(layers, inputSize);
        layers.forEach((_, l) => {
          const info = rf.layers[l];
          for (const axis of [0, 1] as const) {
            const prefix = windows(layers.slice(0, l + 1), axis);
            const unit0 = unboundedField(prefix, 0);
            const unit1 = unboundedField(prefix, 1);
            expect(info.size[axis]).toBe(unit0.hi - unit0.lo + 1);
            expect(info.effectivePadding[axis]).toBe(0 - unit0.lo);
            expect(info.jump[axis]).toBe(unit1.lo - unit0.lo);
            expect(info.start[axis]).toBe((unit0.lo + unit0.hi) / 2);
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('region is the unbounded box; exactRegion is the brute-force box, inside regionClipped', () => {
    fc.assert(
      fc.property(stackArb, fc.nat(), fc.nat(), ({ layers, inputSize }, ri, rj) => {
        fc.pre(fits(layers, inputSize));
        const rf = analyzeLayers(layers, inputSize);
        const unit: [number, number] = [ri % rf.outputSize[0], rj % rf.outputSize[1]];
        const region = rf.region(unit);
        const clipped = rf.regionClipped(unit);
        const exact = rf.exactRegion(unit);
        const boxes = ([0, 1] as const).map((axis) => {
          const unbounded = unboundedField(windows(layers, axis), unit[axis]);
          expect(region[axis === 0 ? 'rows' : 'cols']).toEqual([unbounded.lo, unbounded.hi]);
          const touched = touchedPixels(windows(layers, axis), inputSize[axis])[unit[axis]];
          return touched.length === 0 ? null : [touched[0], touched[touched.length - 1]];
        });
        if (boxes[0] === null || boxes[1] === null) {
          expect(exact).toBeNull();
          return;
        }
        expect(exact).toEqual({ rows: boxes[0], cols: boxes[1] });
        expect(exact!.rows[0]).toBeGreaterThanOrEqual(clipped.rows[0]);
        expect(exact!.rows[1]).toBeLessThanOrEqual(clipped.rows[1]);
        expect(exact!.cols[0]).toBeGreaterThanOrEqual(clipped.cols[0]);
        expect(exact!.cols[1]).toBeLessThanOrEqual(clipped.cols[1]);
      }),
      { numRuns: 200 },
    );
  });

  it('analyzeGraph on the same stack as a chain (with elementwise nodes) gives the same fields', () => {
    fc.assert(
      fc.property(stackArb, ({ layers, inputSize }) => {
        fc.pre(fits(layers, inputSize));
        const nodes: RFNode[] = [
          { id: 'x', name: 'input', type: 'input', inputs: [], op: { kind: 'input' } },
        ];
        layers.forEach((l, i) => {
          const { type, name, ...params } = l;
          nodes.push({
            id: `l${i}`,
            name: `l${i}`,
            type,
            inputs: [nodes[nodes.length - 1].id],
            op: { kind: type, ...params },
          });
          nodes.push({
            id: `r${i}`,
            name: `r${i}`,
            type: 'ReLU',
            inputs: [`l${i}`],
            op: { kind: 'identity' },
          });
        });
        const g = analyzeGraph({ nodes }, inputSize);
        const s = analyzeLayers(layers, inputSize);
        expect([g.outputSize, g.size, g.stride, g.padding]).toEqual([
          s.outputSize,
          s.size,
          s.stride,
          s.padding,
        ]);
        expect(g.warnings).toEqual([]);
        layers.forEach((_, i) => {
          const { size, jump, effectivePadding, start, outputSize } = s.layers[i];
          expect(g.node(`r${i}`)).toMatchObject({ size, jump, effectivePadding, start, outputSize });
        });
      }),
      { numRuns: 200 },
    );
  });

  it('a merge of two random branches is the union of their boxes, unit by unit', () => {
    // Branch b ends with a pad (negative: a crop) that brings its map to branch a's size.
    const branchesArb = fc.record({
      a: stackArb,
      b: fc.array(layerArb, { minLength: 1, maxLength: 4 }),
      shift: fc.tuple(fc.integer({ min: -6, max: 6 }), fc.integer({ min: -6, max: 6 })),
    });
    fc.assert(
      fc.property(branchesArb, ({ a: { layers: a, inputSize }, b, shift }) => {
        fc.pre(fits(a, inputSize) && fits(b, inputSize));
        const na = analyzeLayers(a, inputSize).outputSize;
        const nb = analyzeLayers(b, inputSize).outputSize;
        // Keep at least one unit of b: before >= 1 - nb.
        const before = [0, 1].map((axis) => Math.max(shift[axis], 1 - nb[axis]));
        const after = [0, 1].map((axis) => na[axis] - nb[axis] - before[axis]);
        const chain = (prefix: string, layers: LayerSpec[]): RFNode[] =>
          layers.map(({ type, name, ...params }, i) => ({
            id: `${prefix}${i}`,
            name: `${prefix}${i}`,
            type,
            inputs: [i === 0 ? 'x' : `${prefix}${i - 1}`],
            op: { kind: type, ...params },
          }));
        const g = analyzeGraph(
          {
            nodes: [
              { id: 'x', name: 'input', type: 'input', inputs: [], op: { kind: 'input' } },
              ...chain('a', a),
              ...chain('b', b),
              {
                id: 'pad',
                name: 'pad',
                type: 'pad',
                inputs: [`b${b.length - 1}`],
                op: {
                  kind: 'pad',
                  padding: { top: before[0], bottom: after[0], left: before[1], right: after[1] },
                },
              },
              {
                id: 'sum',
                name: 'sum',
                type: 'add',
                inputs: [`a${a.length - 1}`, 'pad'],
                op: { kind: 'add' },
              },
            ],
          },
          inputSize,
        );
        expect(g.outputSize).toEqual(na);
        let aligned = true;
        for (const axis of [0, 1] as const) {
          const pad: Window1d = {
            kernel: 1,
            stride: 1,
            padBefore: before[axis],
            padAfter: after[axis],
            dilation: 1,
            ceilMode: false,
          };
          const wa = windows(a, axis);
          const wb = [...windows(b, axis), pad];
          const key = axis === 0 ? 'rows' : 'cols';
          for (let u = 0; u < na[axis]; u++) {
            const [fa, fb] = [unboundedField(wa, u), unboundedField(wb, u)];
            const unit: [number, number] = axis === 0 ? [u, 0] : [0, u];
            expect(g.region(unit)[key]).toEqual([Math.min(fa.lo, fb.lo), Math.max(fa.hi, fb.hi)]);
          }
          const jump = (w: Window1d[]) => unboundedField(w, 1).lo - unboundedField(w, 0).lo;
          const centre = (w: Window1d[]) => unboundedField(w, 0).lo + unboundedField(w, 0).hi;
          aligned &&= jump(wa) === jump(wb) && centre(wa) === centre(wb);
        }
        expect(g.aligned).toBe(aligned);
        expect(g.warnings.length === 0).toBe(aligned);
      }),
      { numRuns: 300 },
    );
  });
});
