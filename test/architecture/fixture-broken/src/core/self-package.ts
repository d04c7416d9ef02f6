import { checkLayer } from 'rdmacheck'; // violates: import
/** The public API, reached from core through the package name. */
export const check = checkLayer;
