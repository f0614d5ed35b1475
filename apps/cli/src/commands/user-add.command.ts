import { DataSource } from 'typeorm';
import { ROLES, type Role } from '@cqo/contracts';
import { AuditService } from '@cqo/server-audit';
import { AccountsRepository, hashPassword, passwordPolicyErrors } from '@cqo/server-auth';
import { Clock } from '@cqo/server-common';
import { dataSourceOptions } from '@cqo/server-database';
import { OutboxService, UnitOfWork } from '@cqo/server-queue';
import { databaseUrlOrExit } from '../infra/runtime-env';

/** The password policy (ASVS V2.1.1/V2.1.7) for an operator-given password: the first field error, or none. */
function policyError(password: string | undefined, username: string): string | null {
  if (!password) return 'give a password with --password or CQO_NEW_PASSWORD';
  const [error] = passwordPolicyErrors(password, username, 'password');
  return error ? `password refused: ${error.message}` : null;
}

/**
 * The CLI's own connection and, built by hand on it (these commands start no Nest container), the
 * unit of work every write goes through, with its audit row through AuditService (one audit path,
 * chained by the audit_log trigger; issue 19 items 2 and 5, 等保 8.1.4.3 安全审计), and the
 * accounts' repository, the one writer of the account tables. The unit's actor is null and the row
 * names `cli`, as the other commands' rows do.
 */
async function openDatabase(): Promise<{ ds: DataSource; unitOfWork: UnitOfWork; accounts: AccountsRepository }> {
  const ds = await new DataSource(dataSourceOptions(databaseUrlOrExit())).initialize();
  return { ds, unitOfWork: new UnitOfWork(ds, new AuditService(ds, new Clock()), new OutboxService()), accounts: new AccountsRepository(ds) };
}

/**
 * Production has no default accounts: the first admin is created here. The account must change
 * its password at first sign-in (issue 18 item 8, ASVS V2.5.1): whoever typed it here knows it.
 */
export async function userAddCommand(opts: { username: string; role: string; name?: string; region?: string; enterprise?: string; password?: string }): Promise<void> {
  if (!ROLES.includes(opts.role as Role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  const password = opts.password ?? process.env.CQO_NEW_PASSWORD;
  const refused = policyError(password, opts.username);
  if (refused) throw new Error(refused);
  const { ds, unitOfWork, accounts } = await openDatabase();
  try {
    let enterpriseId: string | null = null;
    if (opts.enterprise) {
      const [e] = await ds.query('SELECT id FROM enterprise WHERE credit_code = $1', [opts.enterprise]);
      if (!e) throw new Error(`no enterprise with credit code ${opts.enterprise}`);
      enterpriseId = e.id;
    }
    const hash = await hashPassword(password!);
    const id = await unitOfWork.run(null, 'user.create', async (m, tx) => {
      const created = await accounts.create(m, {
        username: opts.username,
        displayName: opts.name ?? opts.username,
        passwordHash: hash,
        role: opts.role as Role,
        regionCode: opts.region ?? null,
        enterpriseId,
      });
      if (!created) throw new Error(`the username ${opts.username} is taken`);
      await tx.audit({ username: 'cli', objectType: 'user', objectId: created });
      return created;
    });
    process.stdout.write(JSON.stringify({ id, username: opts.username, role: opts.role, mustChangePassword: true }) + '\n');
  } finally {
    await ds.destroy();
  }
}

/**
 * An operator's password reset (a user who forgot theirs): the policy applies, every session of the
 * user ends, and the user must change the password at the next sign-in (ASVS V2.5.1, V3.3.3).
 */
export async function userResetPasswordCommand(opts: { username: string; password?: string }): Promise<void> {
  const password = opts.password ?? process.env.CQO_NEW_PASSWORD;
  const refused = policyError(password, opts.username);
  if (refused) throw new Error(refused);
  const { ds, unitOfWork, accounts } = await openDatabase();
  try {
    const hash = await hashPassword(password!);
    const ended = await unitOfWork.run(null, 'user.password-reset', async (m, tx) => {
      const userId = await accounts.resetPasswordByUsername(m, opts.username, hash);
      if (!userId) throw new Error(`no user named ${opts.username}`);
      // No time given: the sessions end at the transaction's now(), the password_changed_at just written.
      const ended = await accounts.endSessions(m, userId);
      await accounts.clearLoginLocks(m, opts.username);
      await tx.audit({ username: 'cli', objectType: 'user', objectId: userId, details: { sessionsEnded: ended } });
      return ended;
    });
    process.stdout.write(JSON.stringify({ username: opts.username, mustChangePassword: true, sessionsEnded: ended }) + '\n');
  } finally {
    await ds.destroy();
  }
}
