/** Moved to ./env/rules (the LayerEnv contract's rules); kept until the native host imports them from there. */
export { badPath, postMisuse, postRecvMisuse } from './env/rules';
