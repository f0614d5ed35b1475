import { DataSource } from 'typeorm';
import { isIsoDate } from '@cqo/policy';
import { Clock } from '@cqo/server-common';
import { ACTIVE_ON, EligibilityService } from '@cqo/server-eligibility';
import { withPolicyContext } from '../infra/policy-context';

/**
 * `cqo eligibility --credit-code CODE [--as-of D]`: the verdict of the CQO in post on D (default
 * today) under the profile in force on D, shaped as SPEC §9 says:
 * `{verdict, profile, rules[{id, clause, expected, actual, pass, severity}]}`. For a past date the
 * verdict is the one `cqo stats --as-of D` counts (kept once judged); when facts recorded since would
 * judge it otherwise, `judgedAt` and `judgedNow` say so.
 */
export async function eligibilityCommand(opts: { creditCode: string; asOf?: string }): Promise<void> {
  if (opts.asOf !== undefined && !isIsoDate(opts.asOf)) fail(`--as-of must be a date like 2025-12-31, got "${opts.asOf}"`, 2);
  const code = opts.creditCode.trim().toUpperCase();
  const result = await withPolicyContext(async (app) => {
    const eligibility = app.get(EligibilityService);
    const db = app.get(DataSource);
    const asOf = opts.asOf ?? app.get(Clock).today();
    const [e] = await db.query(`SELECT id, name FROM enterprise WHERE credit_code = $1`, [code]);
    if (!e) return { error: `no enterprise with credit code ${code}` };
    // The CQO in post on D as the statistics count it (ACTIVE_ON, the latest in effect).
    const [a] = await db.query(
      `SELECT a.id FROM appointment a WHERE a.enterprise_id = $1 AND ${ACTIVE_ON('a', '$2')}
        ORDER BY a.effective_from DESC, a.filed_at DESC LIMIT 1`,
      [e.id, asOf],
    );
    if (!a) return { error: `${e.name} (${code}) had no CQO in post on ${asOf}` };
    // For a past date: the verdict the figures of that date count (kept once judged).
    const v = await eligibility.verdictOnDate(a.id, asOf);
    return {
      verdict: v.verdict,
      profile: v.profile,
      ...(v.kept && v.kept.judgedNow !== v.verdict ? { judgedAt: v.kept.judgedAt, judgedNow: v.kept.judgedNow } : {}),
      rules: v.rules.map((r) => ({ id: r.id, clause: r.clause, expected: r.expected, actual: r.actual, pass: r.pass, severity: r.severity })),
    };
  });
  if ('error' in result) fail(result.error as string, 1);
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}
