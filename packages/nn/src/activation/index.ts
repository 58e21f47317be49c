export { LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from './activations.js';
