/**
 * C, C++ and Rust layers: loadNativeLayer turns a shared library implementing
 * include/rdmacheck/layer.h (ABI version 1) into a FailoverLayer (docs/c-abi.md).
 */
export { loadNativeLayer, describeNativeLayer, NativeLayerError, LAYER_ABI_VERSION } from './load';
export type { NativeLayerOptions } from './load';
export type { NativeLayer, NativeDescriptor } from './bridge';
export { LayerCrash } from './channel';
export { encodeControl, decodeControl } from './control';
export type { ControlBytes } from './control';
export { layerHostPath, clayerAddonPath } from './paths';
