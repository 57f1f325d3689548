export type { Io } from '../io.js';
export { processIo } from '../io.js';
export { EXIT } from '../exit-codes.js';
