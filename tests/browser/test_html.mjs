import * as L from './lib.mjs';
