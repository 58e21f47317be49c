// @fovea/optim with @fovea/tensor: one SGD step, then a few more that minimise a quadratic.
import { SGD } from '@fovea/optim';
import { type Tensor, tensor } from '@fovea/tensor';

const w: Tensor = tensor([1, 2, 3], { requiresGrad: true });
const optimizer = new SGD([w], { lr: 0.1 });
optimizer.zeroGrad();
w.mul(w).sum().backward(); // gradient 2w
optimizer.step(); // w - 0.1 * 2w = 0.8w
console.log(String(w));

const target: Tensor = tensor([0.5, -1, 2]);
const p: Tensor = tensor([0, 0, 0], { requiresGrad: true });
const withMomentum = new SGD([p], { lr: 0.1, momentum: 0.5 });
const losses: number[] = [];
for (let step = 0; step < 20; step++) {
  withMomentum.zeroGrad();
  const loss = p.sub(target).pow(2).sum();
  loss.backward();
  withMomentum.step();
  losses.push(Number(loss.item()));
}
const first = losses[0] ?? 0;
const last = losses[losses.length - 1] ?? Number.POSITIVE_INFINITY;
if (!(last < first / 10)) throw new Error(`SGD with momentum did not minimise: ${losses.join(', ')}`);
console.log(`loss ${first.toFixed(3)} -> below a tenth of it: ${last < first / 10}`);
