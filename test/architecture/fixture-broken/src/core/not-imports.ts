// None of these is an import: the checker parses the code, it does not grep it.
// import { y } from '../../adapters/sim/y';
/* const sim = require('../../adapters/sim/y'); */
import { readFileSync } from 'node:fs';
import { twice } from './static-import';

/** Strings that look like imports. */
export const text = "import { y } from '../../adapters/sim/y'";
/** A template that builds code, as src/cli/start-worker.ts does. */
export const code = `require('../../adapters/sim/y')`;
/** A computed specifier cannot be checked and is not counted. */
export const loadAny = (file: string): unknown => require(file);
/** Keeps the imports used. */
export const used = [readFileSync, twice];
