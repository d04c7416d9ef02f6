/** The reference failover layers: the designs the field uses, their broken variants, and controls. */
import { completionLog } from './completionLog';
import { failStop } from './failStop';
import { passThrough as passThroughLayer } from './passThrough';
import { readVerify } from './readVerify';
import { resendAll } from './resendAll';
import { shift } from './shift';
import { shiftNoAtomicAbort } from './shiftNoAtomicAbort';
import { shiftNoFence } from './shiftNoFence';
import { shiftNoHandshake } from './shiftNoHandshake';
import { timerHedge } from './timerHedge';
import { mooncakeRetry } from './mooncakeRetry';
import { kucxFailover } from './kucxFailover';
import { ncclIbResiliency } from './ncclIbResiliency';
import { describedLayer } from './types';
import type { ReferenceLayer } from './types';

/**
 * passThrough with its documented rule: no failover at all (path 0 only, every completion handed
 * over as it is). Every safety property holds; failure-masking fails for every op class.
 */
export const passThrough: ReferenceLayer = describedLayer(
  passThroughLayer,
  'everything on path 0, every completion delivered as it is; no failover',
  {
    summary: 'the baseline: safe, masks nothing',
    violations: [
      {
        property: 'failure-masking',
        opcodes: ['WRITE', 'READ', 'SEND', 'FETCH_ADD', 'CMP_SWAP', 'WRITE_WITH_IMM'],
        why: 'no failover at all',
      },
    ],
  },
);

/** Every reference layer, by its camelCase name. */
export const layers = {
  failStop,
  resendAll,
  shift,
  shiftNoAtomicAbort,
  shiftNoHandshake,
  shiftNoFence,
  readVerify,
  timerHedge,
  completionLog,
  passThrough,
  mooncakeRetry,
  kucxFailover,
  ncclIbResiliency,
} as const satisfies Record<string, ReferenceLayer>;

/** A reference layer's camelCase name. */
export type ReferenceLayerName = keyof typeof layers;

/** The reference layers' names, in the order an audit lists them. */
export const referenceLayerNames: readonly ReferenceLayerName[] = [
  'failStop',
  'resendAll',
  'shift',
  'shiftNoAtomicAbort',
  'shiftNoHandshake',
  'shiftNoFence',
  'readVerify',
  'timerHedge',
  'completionLog',
  'passThrough',
  'mooncakeRetry',
  'kucxFailover',
  'ncclIbResiliency',
];

export { describeLayer, describedLayer } from './types';
export type { ExpectedAudit, ExpectedViolation, PropertyName, ReferenceLayer } from './types';
export { createShift } from './shift';
export type { ShiftOptions } from './shift';
export { createTimerHedge } from './timerHedge';
export type { TimerHedgeOptions } from './timerHedge';
export { createCompletionLog } from './completionLog';
export type { CompletionLogOptions } from './completionLog';
export { createMooncakeRetry, MOONCAKE_COMMIT } from './mooncakeRetry';
export type { MooncakeRetryOptions } from './mooncakeRetry';
export { createKucxFailover, KUCX_COMMIT } from './kucxFailover';
export { createNcclIbResiliency, NCCL_COMMIT } from './ncclIbResiliency';
export type { NcclIbResiliencyOptions } from './ncclIbResiliency';
