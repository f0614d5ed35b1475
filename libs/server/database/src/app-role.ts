import { Client } from 'pg';

/**
 * The group role that holds the app's privileges (migration 1764710000000-AppRole). The login role
 * the api, the worker and the CLI connect as (DATABASE_URL's user) is a member of it.
 */
export const APP_GROUP_ROLE = 'cqo_app';

/** The user name of a postgres:// URL (decoded), or null. */
export function urlUser(url: string): string | null {
  const u = new URL(url);
  return u.username ? decodeURIComponent(u.username) : null;
}

/** postgres://…: the same server and database as `url`, as another user (and password). */
export function withUser(url: string, user: string, password?: string | null): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = password ? encodeURIComponent(password) : '';
  return u.toString();
}

export interface AppLoginResult {
  role: string;
  created: boolean;
}

/**
 * Makes sure the app's login role — DATABASE_URL's user — exists, can log in, is a member of
 * `cqo_app` and is neither a superuser nor the owner of any table (issue 18 item 3, 等保 2.0 L3
 * 8.1.4.2 权限分离). Run as the owner (who created `cqo_app` in the migration) after the
 * migrations. Creates the role with DATABASE_URL's password when it is missing; when it exists and
 * the URL has a password, sets it, so the URL and the role never disagree. Throws, naming the
 * fix, when the owner may not do this or the role has more privilege than the app should.
 */
export async function ensureAppLogin(ownerUrl: string, appUrl: string): Promise<AppLoginResult> {
  const role = urlUser(appUrl);
  if (!role) throw new Error('DATABASE_URL names no user: the app must connect as its own role (docs/database-roles.md)');
  if (role === urlUser(ownerUrl)) {
    throw new Error(`DATABASE_URL and DATABASE_OWNER_URL are the same role (${role}): the app must connect as a role of its own (docs/database-roles.md)`);
  }
  const password = new URL(appUrl).password ? decodeURIComponent(new URL(appUrl).password) : null;
  const db = new Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    const sql = async (text: string, params: unknown[] = []) => (await db.query(text, params)).rows;
    const exec = async (template: string, ...args: string[]) => {
      const [{ stmt }] = await sql(`SELECT format($1, ${args.map((_a, i) => `$${i + 2}::text`).join(', ')}) AS stmt`, [template, ...args]);
      await db.query(stmt);
    };
    let [existing] = await sql(`SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = $1`, [role]);
    let created = false;
    if (!existing) {
      try {
        if (password) await exec(`CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS IN ROLE ${APP_GROUP_ROLE}`, role, password);
        else await exec(`CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS IN ROLE ${APP_GROUP_ROLE}`, role);
        created = true;
      } catch (err) {
        if ((err as { code?: string }).code !== '42710' && (err as { code?: string }).code !== '23505') {
          throw new Error(`could not create the app's role ${role} as ${urlUser(ownerUrl)}: ${(err as Error).message} (docs/database-roles.md)`);
        }
      }
      [existing] = await sql(`SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = $1`, [role]);
    } else if (password) {
      await exec('ALTER ROLE %I PASSWORD %L', role, password);
    }
    if (existing.rolsuper) throw new Error(`the app's role ${role} is a superuser: it could switch the audit log's triggers off (docs/database-roles.md)`);
    if (!existing.rolcanlogin) throw new Error(`the app's role ${role} cannot log in (ALTER ROLE ${role} LOGIN)`);
    const [member] = await sql(`SELECT pg_has_role($1, $2, 'USAGE') AS ok`, [role, APP_GROUP_ROLE]);
    if (!member.ok) await exec(`GRANT ${APP_GROUP_ROLE} TO %I`, role);
    const owned = await sql(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r','p','v','m','S') AND pg_has_role($1, c.relowner, 'USAGE') LIMIT 5`,
      [role],
    );
    if (owned.length) {
      throw new Error(`the app's role ${role} owns ${owned.map((r) => r.relname).join(', ')}: the owner must be another role (docs/database-roles.md)`);
    }
    return { role, created };
  } finally {
    await db.end();
  }
}

/**
 * Why the connection's role is not the app's restricted role — a superuser, or the owner of the
 * audit log, could switch its append-only trigger off — or null when it is as it should be.
 */
export async function appRoleProblem(db: { query: (sql: string) => Promise<unknown[]> }): Promise<string | null> {
  const [r] = (await db.query(
    `SELECT current_user AS role, r.rolsuper AS su,
            EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'public' AND c.relname = 'audit_log' AND pg_has_role(current_user, c.relowner, 'USAGE')) AS owner
       FROM pg_roles r WHERE r.rolname = current_user`,
  )) as { role: string; su: boolean; owner: boolean }[];
  if (r.su) return `the database role ${r.role} is a superuser: it could switch the audit log's append-only trigger off`;
  if (r.owner) return `the database role ${r.role} owns the audit log: it could switch its append-only trigger off`;
  return null;
}
