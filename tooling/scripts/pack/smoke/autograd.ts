// @fovea/autograd on its own: grad mode switches as PyTorch's does.
import { enableGrad, isGradEnabled, noGrad } from '@fovea/autograd';

const outside: boolean = isGradEnabled();
const inside: boolean = noGrad(() => isGradEnabled());
const nested: boolean = noGrad(() => enableGrad(() => isGradEnabled()));
if (!outside || inside || !nested) {
  throw new Error(`grad mode: expected true/false/true, got ${outside}/${inside}/${nested}`);
}
console.log(`grad enabled: ${outside}, in noGrad: ${inside}, in enableGrad inside noGrad: ${nested}`);
