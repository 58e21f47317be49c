import { FashionMNIST } from '@fovea/data';
import { functional } from '@fovea/nn';
import { tensor } from '@fovea/tensor';
import { borderMean, fitSquare, readGrayscaleImage } from './image.js';
import { loadLenetCheckpoint } from './lenet-checkpoint.js';

/** Classifies one image with a LeNet checkpoint, printing the three likeliest classes. */
export async function predictImage(
  path: string,
  checkpoint: string,
): Promise<{ label: number; probabilities: number[] }> {
  const { model, architecture } = loadLenetCheckpoint(checkpoint, 'lenet --predict');
  const image = await readGrayscaleImage(path, 'lenet --predict');
  const background = borderMean(image);
  const inverted = background > 0.5;
  const fitted = await fitSquare(image, 28, background);
  const pixels = inverted ? fitted.map((v) => 1 - v) : fitted;
  const logits = model.forward(tensor(pixels).reshape([1, 1, 28, 28]));
  const probabilities = Array.from(functional.softmax(logits, 1).dataSync());
  const ranked = probabilities.map((p, label) => ({ p, label })).sort((a, b) => b.p - a.p);
  console.log(
    `read ${path} (${image.width}x${image.height}), fitted into 28x28${inverted ? ', inverted (light background)' : ''}; checkpoint ${checkpoint} (${architecture.activation}, ${architecture.pool} pooling)`,
  );
  console.log(
    `prediction: ${FashionMNIST.classes[ranked[0].label]} (label ${ranked[0].label}, p = ${ranked[0].p.toFixed(3)})`,
  );
  for (const { p, label } of ranked.slice(1, 3))
    console.log(`  then ${FashionMNIST.classes[label]} (${p.toFixed(3)})`);
  return { label: ranked[0].label, probabilities };
}
