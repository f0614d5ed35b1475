import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ScanOutcome } from '@cqo/server-imports';

/**
 * Starts an import's scan of `path` (openSheet's first pass: every cap, constant memory) on a
 * thread, before the command loads its libraries and its Nest context. The CLI's start-up (about
 * 1.5 s) and the scan (0.4–0.7 s on a 100,000-row roster) then run side by side on the two cores,
 * while PostgreSQL has nothing to do yet (issue 16).
 *
 * This module loads nothing but the thread: it is imported before everything else. The thread's
 * answer is data, never a rejection: a file past a cap comes back as the field error the import
 * throws (openSheet); a thread that fails to start or dies answers null, and the import makes the
 * scan itself.
 */
export function scanOnThread(path: string): Promise<ScanOutcome | null> | undefined {
  // The compiled CLI only: a worker thread cannot load the TypeScript sources.
  if (!__filename.endsWith('.js')) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(join(__dirname, 'sheet-scan.worker.js'), { workerData: { path } });
  } catch {
    return undefined;
  }
  // The thread never keeps the process alive (a command that stops early exits at once).
  worker.unref();
  return new Promise<ScanOutcome | null>((resolve) => {
    worker.once('message', (outcome: ScanOutcome) => resolve(outcome));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
}
