/**
 * What each package's smoke script (smoke/<folder>.ts) must print, by package name: the exact
 * text, or a pattern where the numbers depend on a random initialisation.
 */
export const expectedOutput: Record<string, string | RegExp> = {
  '@fovea/data': '10 images, 3 batches: [4, 1, 28, 28] [4, 1, 28, 28] [2, 1, 28, 28]; Ankle boot\n',
  '@fovea/autograd': 'grad enabled: true, in noGrad: false, in enableGrad inside noGrad: true\n',
  // The chapter's output, character for character.
  '@fovea/tensor': 'tensor([[19., 25.],\n        [37., 43.]])\n',
  '@fovea/nn': new RegExp(
    `^${[2, 4, 6, 8, 10].map((epoch) => `epoch ${epoch}, loss \\d+\\.\\d{3}\\n`).join('')}` +
      'learned kernel close to \\[1, -1\\]: true\\n$',
  ),
  '@fovea/optim':
    /^tensor\(\[0\.8000, 1\.6000, 2\.4000\], requires_grad=True\)\nloss \d+\.\d{3} -> below a tenth of it: true\n$/,
  '@fovea/receptive-field': 'size [3,3], stride [1,1], output [4,6]\n',
  '@fovea/onnx': 'parameters 0.weight, 0.bias, 3.weight, 3.bias; same outputs: true\n',
};

/** Why `stdout` is not what the smoke script of `name` should print, or null if it is. */
export function outputMismatch(
  name: string,
  stdout: string,
  expected: string | RegExp | undefined = expectedOutput[name],
): string | null {
  if (expected === undefined) return `no expected output is written down for ${name} in expectations.ts`;
  const ok = typeof expected === 'string' ? stdout === expected : expected.test(stdout);
  if (ok) return null;
  const want = typeof expected === 'string' ? JSON.stringify(expected) : String(expected);
  return `smoke output ${JSON.stringify(stdout)} does not match ${want}`;
}
