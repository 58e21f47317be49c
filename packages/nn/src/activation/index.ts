export { ReLU, Sigmoid, Tanh } from './activations.js';
