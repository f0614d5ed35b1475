import { AuditChainService } from '@cqo/server-audit';
import { withPolicyContext } from '../infra/policy-context';

/**
 * `cqo verify audit`: re-walks the audit log's hash chain (issue 18 item 3, ASVS V7.3.3), as the
 * app's restricted role; JSON on stdout, exit 1 naming the first broken row.
 */
export async function verifyAuditCommand(): Promise<void> {
  const result = await withPolicyContext((app) => app.get(AuditChainService).verify());
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  if (!result.ok) {
    const b = result.firstBroken!;
    process.stderr.write(`audit log broken at row ${b.id} (lane ${b.lane}, seq ${b.seq}): ${b.reason}\n`);
    process.exit(1);
  }
}
