import { DataSource } from 'typeorm';
import { ROLES, type Role } from '@cqo/contracts';
import { AuditService } from '@cqo/server-audit';
import { hashPassword, passwordPolicyErrors } from '@cqo/server-auth';
import { Clock } from '@cqo/server-common';
import { dataSourceOptions } from '@cqo/server-database';
import { databaseUrlOrExit } from '../infra/runtime-env';

/** The password policy (ASVS V2.1.1/V2.1.7) for an operator-given password: the first field error, or none. */
function policyError(password: string | undefined, username: string): string | null {
  if (!password) return 'give a password with --password or CQO_NEW_PASSWORD';
  const [error] = passwordPolicyErrors(password, username, 'password');
  return error ? `password refused: ${error.message}` : null;
}

/**
 * The CLI's own connection, with the audit entity so its writes are audited through AuditService
 * (one audit path, chained by the audit_log trigger; issue 19 item 2, 等保 8.1.4.3 安全审计).
 */
async function openDatabase(): Promise<{ ds: DataSource; audit: AuditService }> {
  const ds = await new DataSource(dataSourceOptions(databaseUrlOrExit())).initialize();
  return { ds, audit: new AuditService(ds, new Clock()) };
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
  const { ds, audit } = await openDatabase();
  try {
    let enterpriseId: string | null = null;
    if (opts.enterprise) {
      const [e] = await ds.query('SELECT id FROM enterprise WHERE credit_code = $1', [opts.enterprise]);
      if (!e) throw new Error(`no enterprise with credit code ${opts.enterprise}`);
      enterpriseId = e.id;
    }
    const hash = await hashPassword(password!);
    const row = await ds.transaction(async (m) => {
      const [created] = await m.query(
        `INSERT INTO app_user (username, display_name, password_hash, role, region_code, enterprise_id, must_change_password) VALUES ($1,$2,$3,$4,$5,$6,true) RETURNING id`,
        [opts.username, opts.name ?? opts.username, hash, opts.role, opts.region ?? null, enterpriseId],
      );
      await audit.record({ username: 'cli', action: 'user.create', objectType: 'user', objectId: created.id, result: 'success' }, m);
      return created as { id: string };
    });
    process.stdout.write(JSON.stringify({ id: row.id, username: opts.username, role: opts.role, mustChangePassword: true }) + '\n');
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
  const { ds, audit } = await openDatabase();
  try {
    const hash = await hashPassword(password!);
    const ended = await ds.transaction(async (m) => {
      const [[user]] = (await m.query(
        `UPDATE app_user SET password_hash = $2, must_change_password = true, password_changed_at = now() WHERE username = $1 RETURNING id`,
        [opts.username, hash],
      )) as [{ id: string }[], number];
      if (!user) throw new Error(`no user named ${opts.username}`);
      // An UPDATE answers [rows, row count] through TypeORM's postgres driver.
      const [, ended] = (await m.query(`UPDATE user_session SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [user.id])) as [unknown[], number];
      await m.query(`DELETE FROM login_lock WHERE username = $1`, [opts.username]);
      await audit.record({ username: 'cli', action: 'user.password-reset', objectType: 'user', objectId: user.id, result: 'success', details: { sessionsEnded: ended } }, m);
      return ended;
    });
    process.stdout.write(JSON.stringify({ username: opts.username, mustChangePassword: true, sessionsEnded: ended }) + '\n');
  } finally {
    await ds.destroy();
  }
}
