/** The numbering of <infiniband/verbs.h> (enum ibv_wr_opcode, ibv_wc_opcode, ibv_wc_status, ...). */
import type { Opcode, QpState, WcStatus } from '../../src/core/verbs';

/** enum ibv_wr_opcode -> the simulator's opcode (SEND_WITH_IMM is a SEND that carries imm). */
export const WR_OPCODES: Readonly<Record<number, Opcode>> = {
  0: 'WRITE',
  1: 'WRITE_WITH_IMM',
  2: 'SEND',
  3: 'SEND',
  4: 'READ',
  5: 'CMP_SWAP',
  6: 'FETCH_ADD',
};

/** The ibv_wc_opcode of a send-side completion. */
export const WC_OPCODE: Readonly<Record<Opcode, number>> = {
  SEND: 0,
  WRITE: 1,
  WRITE_WITH_IMM: 1,
  READ: 2,
  CMP_SWAP: 3,
  FETCH_ADD: 4,
};

/** IBV_WC_RECV and IBV_WC_RECV_RDMA_WITH_IMM. */
export const WC_RECV = 128;
export const WC_RECV_RDMA_WITH_IMM = 129;
/** IBV_WC_WITH_IMM in wc_flags. */
export const WC_WITH_IMM = 2;

/** enum ibv_wc_status values of the statuses the fabric produces. */
export const WC_STATUS: Readonly<Record<WcStatus, number>> = {
  SUCCESS: 0,
  LOC_LEN_ERR: 1,
  LOC_QP_OP_ERR: 2,
  LOC_PROT_ERR: 4,
  WR_FLUSH_ERR: 5,
  REM_INV_REQ_ERR: 9,
  REM_ACCESS_ERR: 10,
  REM_OP_ERR: 11,
  RETRY_EXC_ERR: 12,
  RNR_RETRY_EXC_ERR: 13,
};

/** The status named by an ibv_wc_status value (the local checks of the library send numbers). */
export function statusOfNumber(n: number): WcStatus | undefined {
  return (Object.keys(WC_STATUS) as WcStatus[]).find((s) => WC_STATUS[s] === n);
}

/** enum ibv_qp_state, in order. */
export const QP_STATE_NUMBERS: readonly QpState[] = ['RESET', 'INIT', 'RTR', 'RTS', 'SQD', 'SQE', 'ERR'];

/** enum ibv_send_flags. */
export const SEND_FLAGS = { FENCE: 1, SIGNALED: 2, SOLICITED: 4, INLINE: 8 } as const;

/** enum ibv_access_flags. */
export const ACCESS = { LOCAL_WRITE: 1, REMOTE_WRITE: 2, REMOTE_READ: 4, REMOTE_ATOMIC: 8 } as const;

/** enum ibv_event_type: the port events. */
export const EVENT = { PORT_ACTIVE: 9, PORT_ERR: 10 } as const;

/** enum ibv_port_state: ACTIVE and DOWN. */
export const PORT_STATE = { DOWN: 1, ACTIVE: 4 } as const;

/** IB's RNR timer encoding (ibv_modify_qp(3), min_rnr_timer): code -> nanoseconds. */
export function rnrTimerNs(code: number): number {
  const ms = [
    655.36, 0.01, 0.02, 0.03, 0.04, 0.06, 0.08, 0.12, 0.16, 0.24, 0.32, 0.48, 0.64, 0.96, 1.28, 1.92, 2.56, 3.84, 5.12,
    7.68, 10.24, 15.36, 20.48, 30.72, 40.96, 61.44, 81.92, 122.88, 163.84, 245.76, 327.68, 491.52,
  ];
  return Math.round((ms[code & 31] ?? 0.01) * 1_000_000);
}
