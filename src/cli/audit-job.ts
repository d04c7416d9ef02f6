/**
 * The audit as a contained job (src/check/contained/supervise): runAudit in a worker with a heap
 * limit and a watchdog per batch of runs, its events posted back to the CLI as they happen.
 */
import { runAudit } from './audit-run';
import type { AuditEvent, AuditRequest } from './audit-run';
import type { Report } from '../core/results';

/** The job: the audit of `input` (an AuditRequest). */
export function runJob(input: unknown, emit: (event: AuditEvent) => void): Promise<Report> {
  return runAudit(input as AuditRequest, emit);
}
