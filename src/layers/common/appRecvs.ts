/** The application's RECVs as a layer that receives into its own buffers keeps them. */
import type { LayerEnv } from '../../core/layer';
import type { WorkCompletion } from '../../core/verbs';

/**
 * The application's unfilled RECVs, oldest first, and the messages that arrived before a RECV
 * did. Each message fills the oldest unfilled RECV, as on one QP.
 */
export class AppRecvs {
  private readonly recvs: number[] = [];
  private readonly held: WorkCompletion[] = [];

  constructor(private readonly env: LayerEnv) {}

  /** How many application RECVs are waiting for a message. */
  get unfilled(): number {
    return this.recvs.length;
  }

  /** The application posted a RECV: it takes a held message at once, or waits. Returns true when it waits. */
  post(recvId: number): boolean {
    const msg = this.held.shift();
    if (msg) {
      this.env.deliver({ ...msg, wrId: recvId });
      return false;
    }
    this.recvs.push(recvId);
    return true;
  }

  /** A message for the application arrived (`payload`: its body, when the layer framed it). */
  arrived(wc: WorkCompletion, payload: number[] | undefined = wc.payload): void {
    const msg: WorkCompletion = {
      wrId: 0,
      status: 'SUCCESS',
      opcode: 'RECV',
      ...(wc.value !== undefined ? { value: wc.value } : {}),
      ...(wc.imm !== undefined ? { imm: wc.imm } : {}),
      ...(wc.withImm ? { withImm: true } : {}),
      ...(payload && payload.length > 0 ? { payload: [...payload] } : {}),
    };
    const recv = this.recvs.shift();
    if (recv === undefined) this.held.push(msg);
    else this.env.deliver({ ...msg, wrId: recv });
  }
}
