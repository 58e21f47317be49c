export { ModuleList } from './module-list.js';
export { Sequential } from './sequential.js';
