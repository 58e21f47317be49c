export { Flatten } from './flatten.js';
