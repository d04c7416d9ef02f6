/** The application's send completions: exactly one per WR, handed over in posting order. */
import type { SendWr, WcStatus, WorkCompletion } from '../../core/verbs';
import { returnsValue } from '../../core/verbs';

/** A SUCCESS completion of `wr` (with the READ data or atomic old value when it returns one). */
export function successWc(wr: SendWr, value?: number): WorkCompletion {
  return {
    wrId: wr.id,
    status: 'SUCCESS',
    opcode: wr.opcode,
    ...(returnsValue(wr.opcode) && value !== undefined ? { value } : {}),
  };
}

/** An error completion of `wr`. */
export function errorWc(wr: SendWr, status: WcStatus): WorkCompletion {
  return { wrId: wr.id, status, opcode: wr.opcode };
}

/**
 * The application's outstanding send WRs, in posting order. A layer resolves each WR once (later
 * resolutions are ignored: stale copies, duplicates); completions are handed to the application
 * in posting order, as one QP would, and a successful unsignaled WR is resolved silently.
 */
export class AppCompletions {
  private readonly order: number[] = [];
  private readonly wrs = new Map<number, SendWr>();
  private readonly results = new Map<number, WorkCompletion | null>();

  constructor(private readonly deliver: (wc: WorkCompletion) => void) {}

  /** The application posted `wr`. */
  track(wr: SendWr): void {
    this.order.push(wr.id);
    this.wrs.set(wr.id, wr);
  }

  /** True while `id` is tracked and not yet resolved. */
  isOpen(id: number): boolean {
    return this.wrs.has(id) && !this.results.has(id);
  }

  /** The WR the application posted with `id`, while it is tracked. */
  wr(id: number): SendWr | undefined {
    return this.wrs.get(id);
  }

  /** Every open WR, in posting order. */
  open(): SendWr[] {
    return this.order.filter((id) => !this.results.has(id)).map((id) => this.wrs.get(id)!);
  }

  /** Resolves `id` with SUCCESS; false when it was not open. */
  succeed(id: number, value?: number): boolean {
    const wr = this.wrs.get(id);
    return wr ? this.resolve(id, successWc(wr, value)) : false;
  }

  /** Resolves `id` with an error; false when it was not open. */
  fail(id: number, status: WcStatus): boolean {
    const wr = this.wrs.get(id);
    return wr ? this.resolve(id, errorWc(wr, status)) : false;
  }

  /** Resolves `id` with `wc`; false when it was not open. */
  resolve(id: number, wc: WorkCompletion): boolean {
    if (!this.isOpen(id)) return false;
    const wr = this.wrs.get(id)!;
    this.results.set(
      id,
      wc.status === 'SUCCESS' && wr.signaled === false ? null : { ...wc, wrId: id, opcode: wr.opcode },
    );
    this.flush();
    return true;
  }

  private flush(): void {
    while (this.order.length > 0 && this.results.has(this.order[0])) {
      const id = this.order.shift()!;
      const wc = this.results.get(id)!;
      this.results.delete(id);
      this.wrs.delete(id);
      if (wc) this.deliver(wc);
    }
  }
}
