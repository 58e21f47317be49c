export { CrossEntropyLoss, MSELoss } from './losses.js';
