import { run } from '../cli/run'; // violates: import
/** jest must not stand on the CLI. */
export const cli = run;
