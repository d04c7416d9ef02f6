/**
 * What the parts of one host's runtime (paths, poller, application, memory, LayerEnv) share: the
 * sink a host reports to, the evidence it reports (WR outcomes, NIC writes), and the recorder
 * every part records through, so that each part depends on this narrow surface, not on HostRuntime.
 */
import type { LayerInstance } from '../../src/core/layer';
import type { LayerHost, SendWr, WcStatus } from '../../src/core/verbs';
import type { NewEvent } from './config';

/** What one posted WR became; the driver infers Execute/PacketLost from these. */
export interface Outcome {
  host: LayerHost;
  path: number;
  wr: SendWr;
  postedAt: number;
  /** 'discarded' when a reset dropped it without a completion; 'pending' when the run ended first. */
  status: WcStatus | 'discarded' | 'pending';
  value?: number;
  completedAt?: number;
}

/** A word of this host's memory changed without its CPU writing it: a NIC (remote) write. */
export interface NicWrite {
  host: LayerHost;
  addr: number;
  old: number;
  value: number;
  t: number;
}

/** Where a host sends what it records. */
export interface HostSink {
  /** A trace event at local time `t` (ns since the run started on this host). */
  record(e: NewEvent, t: number): void;
  outcome(o: Outcome): void;
  nicWrite(w: NicWrite): void;
  /** A control message from this host's layer to the peer's. */
  control(msg: unknown): void;
}

/** The host runtime as its parts see it: its name, its clock, its recorder and its layer. */
export interface HostContext {
  readonly host: LayerHost;
  /** Nanoseconds since this host's run started. */
  now(): number;
  /** Records a trace event (stamped with the triggering observation's time inside a layer callback). */
  record(e: NewEvent): void;
  /** Records a LayerFault of this host's layer. */
  layerFault(during: string, reason: string): void;
  /** Calls into the layer instance (charged to its work budget); an exception becomes a LayerFault, never a crash. */
  callLayer(during: string, fn: (inst: LayerInstance) => void): void;
  /** Runs `fn` after `delayNs` of real time; the host is busy until it has run. */
  later(delayNs: number, fn: () => void): void;
}
