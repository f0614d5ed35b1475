import { parentPort, workerData } from 'node:worker_threads';
import { scanOutcome } from '@cqo/server-imports';

/** The thread of sheet-scan.ts: the scan of one upload under every cap, posted back as data. */
void scanOutcome((workerData as { path: string }).path).then((outcome) => parentPort!.postMessage(outcome));
