/**
 * The bugs the bench hunts: one documented cell of every broken reference layer (shallow: found
 * in a handful of runs) and the deep bugs of issue 13 (hundreds to thousands of runs).
 */
import type { FailoverLayer } from '../src/core/layer';
import type { Property } from '../src/core/property';
import type { Opcode } from '../src/core/verbs';
import { properties } from '../properties';
import { layers } from '../src/layers';

/** One bug: a layer, the op class its workload uses, the property that must catch it. */
export interface Bug {
  name: string;
  depth: 'shallow' | 'deep';
  layer: FailoverLayer;
  opcode: Opcode;
  property: Property;
}

const bug = (depth: Bug['depth'], layerName: keyof typeof layers, opcode: Opcode, property: Property): Bug => ({
  name: `${layerName} + ${opcode}: ${property.name}`,
  depth,
  layer: layers[layerName],
  opcode,
  property,
});

/** Every bug the bench measures, shallow first. */
export const BUGS: readonly Bug[] = [
  bug('shallow', 'failStop', 'WRITE', properties.failureMasking),
  bug('shallow', 'resendAll', 'FETCH_ADD', properties.atMostOnce),
  bug('shallow', 'resendAll', 'SEND', properties.noQueueSliding),
  bug('shallow', 'shiftNoAtomicAbort', 'CMP_SWAP', properties.atMostOnce),
  bug('shallow', 'shiftNoHandshake', 'SEND', properties.noQueueSliding),
  bug('shallow', 'readVerify', 'CMP_SWAP', properties.atMostOnce),
  bug('shallow', 'timerHedge', 'FETCH_ADD', properties.atMostOnce),
  bug('shallow', 'shift', 'WRITE', properties.linearizability),
  bug('deep', 'shiftNoFence', 'SEND', properties.noQueueSliding),
  bug('deep', 'shift', 'WRITE', properties.failureMasking),
];
