import { DataSource } from 'typeorm';
import { ROLES, type Role } from '@cqo/contracts';
import { hashPassword } from '@cqo/server-auth';
import { dataSourceOptions } from '@cqo/server-database';
import { databaseUrlOrExit } from '../infra/runtime-env';

/** Production has no default accounts: the first admin is created here. */
export async function userAddCommand(opts: { username: string; role: string; name?: string; region?: string; enterprise?: string; password?: string }): Promise<void> {
  if (!ROLES.includes(opts.role as Role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
  const password = opts.password ?? process.env.CQO_NEW_PASSWORD;
  if (!password || password.length < 10) throw new Error('give a password of at least 10 characters with --password or CQO_NEW_PASSWORD');
  const ds = await new DataSource(dataSourceOptions(databaseUrlOrExit())).initialize();
  try {
    let enterpriseId: string | null = null;
    if (opts.enterprise) {
      const [e] = await ds.query('SELECT id FROM enterprise WHERE credit_code = $1', [opts.enterprise]);
      if (!e) throw new Error(`no enterprise with credit code ${opts.enterprise}`);
      enterpriseId = e.id;
    }
    const [row] = await ds.query(
      `INSERT INTO app_user (username, display_name, password_hash, role, region_code, enterprise_id) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
      [opts.username, opts.name ?? opts.username, await hashPassword(password), opts.role, opts.region ?? null, enterpriseId],
    );
    await ds.query(`INSERT INTO audit_log (action, object_type, object_id, result, actor_username) VALUES ('user.create', 'user', $1, 'success', 'cli')`, [row.id]);
    process.stdout.write(JSON.stringify({ id: row.id, username: opts.username, role: opts.role }) + '\n');
  } finally {
    await ds.destroy();
  }
}
