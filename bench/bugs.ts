/**
 * The bugs the bench hunts: one documented cell of every broken reference layer (shallow: found
 * in a handful of runs), the deep bugs of issue 13 (hundreds to thousands of runs), and the
 * findings on the models of shipping code (docs/field-audits.md), one entry per finding that
 * generated scenarios reach.
 */
import type { FailoverLayer } from '../src/core/layer';
import type { Property } from '../src/core/property';
import type { OpClass } from '../src/core/results';
import { properties } from '../properties';
import { layers } from '../src/layers';

/** One bug: a layer, the op class its workload uses ('mixed': the layer's op classes together), the property that must catch it. */
export interface Bug {
  name: string;
  depth: 'shallow' | 'deep';
  layer: FailoverLayer;
  opcode: OpClass;
  property: Property;
  /** What the bug is, for a shipping model's finding (its counterexample in docs/field-audits.md). */
  finding?: string;
}

const bug = (
  depth: Bug['depth'],
  layerName: keyof typeof layers,
  opcode: OpClass,
  property: Property,
  finding?: string,
): Bug => ({
  name: `${layerName} + ${opcode}: ${property.name}`,
  depth,
  layer: layers[layerName],
  opcode,
  property,
  ...(finding === undefined ? {} : { finding }),
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
  // The shipping models' findings (docs/field-audits.md, counterexample numbers in parentheses).
  bug(
    'deep',
    'kucxFailover',
    'WRITE',
    properties.completionFidelity,
    'a TX error CQE completes the op as SUCCESS (1-10)',
  ),
  bug(
    'deep',
    'kucxFailover',
    'FETCH_ADD',
    properties.atMostOnce,
    'an executed FETCH_ADD is resent on the new lane (12)',
  ),
  bug(
    'deep',
    'kucxFailover',
    'READ',
    properties.linearizability,
    "a READ completed SUCCESS without effect after a third party's write: an error CQE (a lost request, or a bad GET's REM_ACCESS_ERR) completes ops as done (1-10, 13)",
  ),
  bug(
    'deep',
    'kucxFailover',
    'mixed',
    properties.failureMasking,
    'a WR never completes: both devices fault together and no lane is left, ucs_fatal (14), or a lost control message hangs the failover',
  ),
  bug(
    'deep',
    'mooncakeRetry',
    'WRITE',
    properties.atMostOnce,
    'a slice whose ACK was lost, or that was flushed, is re-posted unverified (1, 1b)',
  ),
  bug(
    'deep',
    'mooncakeRetry',
    'WRITE',
    properties.linearizability,
    'the re-posted WRITE overwrites a word the target reused (T2) (2)',
  ),
  bug(
    'deep',
    'mooncakeRetry',
    'WRITE',
    properties.failureMasking,
    "a slice fails on healthy paths: flushed out of its retry budget by a bad slice's retries (3), or failed at once with its local RNIC down (4's rule)",
  ),
  bug(
    'deep',
    'ncclIbResiliency',
    'WRITE',
    properties.atMostOnce,
    'the chunk is replayed whole when only its WRITE_WITH_IMM was lost (1)',
  ),
  bug(
    'deep',
    'ncclIbResiliency',
    'WRITE',
    properties.linearizability,
    'the replayed WRITE overwrites a word the receiver reused (T2) (2)',
  ),
  bug(
    'deep',
    'ncclIbResiliency',
    'WRITE',
    properties.failureMasking,
    'a corrupt WQE (LOC_QP_OP_ERR) is fatal with a healthy device left (3)',
  ),
];
