/** The generic properties, stated once over an Execution: `properties.atMostOnce` ... `properties.all`. */
import type { Property } from '../src/core/property';
import { atMostOnce } from './atMostOnce';
import { completionFidelity } from './completionFidelity';
import { failureMasking } from './failureMasking';
import { linearizability } from './linearizability';
import { noQueueSliding } from './noQueueSliding';
import { senderViewDeterminism } from './senderViewDeterminism';

/** Every generic property, by name, and `all` in the order reports print them. */
export const properties = {
  atMostOnce,
  noQueueSliding,
  senderViewDeterminism,
  linearizability,
  failureMasking,
  completionFidelity,
  all: [
    atMostOnce,
    noQueueSliding,
    senderViewDeterminism,
    linearizability,
    failureMasking,
    completionFidelity,
  ] as readonly Property[],
};

export { atMostOnce, noQueueSliding, senderViewDeterminism, linearizability, failureMasking, completionFidelity };
