#!/usr/bin/env node
// Re-walking the training ledger's hash chain (issue 4: "verifying 1M records takes seconds, not
// minutes").
//
//   npm run build && node test/bench/training-verify.bench.mjs [--records 1000000]
//
// Creates a throw-away database, migrates it, appends N chained records (hashed with the same
// ledger-hash module the api uses), then runs the built `cqo verify training` three times and
// reports wall time (process start to exit, including Nest start-up) and the walk itself
// (`durationMs`), plus the peak RSS of the verifying process. Finally it alters one record in the
// middle as the superuser and times how long the command takes to name it.
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withClient } from './with-client.mjs';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/apps/cli/src/main.js');
const hashing = await import(join(ROOT, 'dist/libs/server/database/src/ledger-hash.js'));
const { chainDrafts, ledgerHours } = hashing.default ?? hashing;
const n = Number(process.argv[process.argv.indexOf('--records') + 1] || 1_000_000) || 1_000_000;
const admin = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `cqo_bench_${Date.now().toString(36)}`;
const url = new URL(admin);
url.pathname = `/${name}`;
const databaseUrl = url.toString();
const run = promisify(execFile);
const env = { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test', LOG_LEVEL: 'warn' };


/** Runs `cqo verify training` under /usr/bin/time when it is there, for the peak RSS. */
async function verify() {
  const useTime = (() => {
    try {
      execFileSync('/usr/bin/time', ['-f', '%M', 'true'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  const t0 = performance.now();
  const [cmd, args] = useTime ? ['/usr/bin/time', ['-f', 'maxrss_kb=%M', process.execPath, CLI, 'verify', 'training']] : [process.execPath, [CLI, 'verify', 'training']];
  const out = await run(cmd, args, { env, maxBuffer: 1 << 20 }).catch((e) => e);
  const wall = (performance.now() - t0) / 1000;
  const rss = /maxrss_kb=(\d+)/.exec(out.stderr ?? '')?.[1];
  return { wall, exit: out.code ?? 0, result: JSON.parse(out.stdout), rssMb: rss ? Math.round(Number(rss) / 1024) : null };
}

await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
try {
  execFileSync(process.execPath, [CLI, 'migrate'], { env, stdio: 'ignore' });
  const tFill = performance.now();
  await withClient(databaseUrl, async (c) => {
    const persons = [];
    for (let i = 0; i < 200; i += 1) {
      const { rows } = await c.query(`INSERT INTO cqo_person (name, phone) VALUES ($1, $2) RETURNING id`, [`基准${i}`, `139${String(i).padStart(8, '0')}`]);
      persons.push(rows[0].id);
    }
    const categories = ['继续教育(第一类)', '第二类', '组织培训活动', '任职培训'];
    let head = { seq: 0, hash: '0'.repeat(64) };
    const BATCH = 10_000;
    const at = Date.parse('2025-01-01T00:00:00Z');
    for (let from = 0; from < n; from += BATCH) {
      const size = Math.min(BATCH, n - from);
      const drafts = Array.from({ length: size }, (_, k) => {
        const i = from + k;
        const day = String((i % 28) + 1).padStart(2, '0');
        return {
          id: randomUUID(),
          kind: 'entry',
          personId: persons[i % persons.length],
          enterpriseId: null,
          category: categories[i % categories.length],
          course: `课程${i % 997}`,
          provider: '湖北省质量协会',
          startDate: `2025-03-${day}`,
          endDate: `2025-03-${day}`,
          hours: ledgerHours(((i % 16) + 1) / 2),
          certificateNo: `BM-${i}`,
          source: 'provider',
          reverses: null,
          reason: null,
          recordedAt: String(at + i * 1000),
          recordedBy: null,
        };
      });
      const links = chainDrafts(head, drafts);
      head = { seq: links[links.length - 1].seq, hash: links[links.length - 1].hash };
      const col = (f) => drafts.map(f);
      await c.query(
        `INSERT INTO training_record (id, seq, kind, person_id, category, course, provider, start_date, end_date, hours, certificate_no, source,
                                      recorded_at, prev_hash, hash)
         SELECT u.id, u.seq, 'entry', u.person_id, u.category, u.course, u.provider, u.d, u.d, u.hours, u.cert, 'provider',
                timestamptz 'epoch' + u.ms * interval '1 millisecond', u.prev, u.hash
           FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::date[], $8::numeric[], $9::text[],
                       $10::bigint[], $11::text[], $12::text[]) AS u(id, seq, person_id, category, course, provider, d, hours, cert, ms, prev, hash)`,
        [
          col((d) => d.id),
          links.map((l) => l.seq),
          col((d) => d.personId),
          col((d) => d.category),
          col((d) => d.course),
          col((d) => d.provider),
          col((d) => d.startDate),
          col((d) => d.hours),
          col((d) => d.certificateNo),
          col((d) => d.recordedAt),
          links.map((l) => l.prevHash),
          links.map((l) => l.hash),
        ],
      );
    }
    await c.query('VACUUM ANALYZE training_record');
  });
  const fillSeconds = (performance.now() - tFill) / 1000;

  const runs = [];
  for (let i = 0; i < 3; i += 1) runs.push(await verify());
  if (runs.some((r) => !r.result.ok || r.result.checked !== n)) throw new Error(`verify did not pass on an intact chain: ${JSON.stringify(runs[0].result)}`);

  const victimSeq = Math.floor(n / 2);
  await withClient(databaseUrl, async (c) => {
    await c.query(`SET session_replication_role = replica`);
    await c.query(`UPDATE training_record SET hours = hours + 1 WHERE seq = $1`, [victimSeq]);
  });
  const broken = await verify();
  if (broken.exit !== 1 || broken.result.firstBroken?.seq !== victimSeq) throw new Error(`tampering not found: ${JSON.stringify(broken.result)}`);

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\nTraining ledger verification, ${n.toLocaleString('en')} records (${fillSeconds.toFixed(1)} s to build the chain)\n`);
  console.log('| run | wall (s) | walk (s) | peak RSS (MB) | result |');
  console.log('|---|---:|---:|---:|---|');
  runs.forEach((r, i) =>
    console.log(`| intact #${i + 1} | ${r.wall.toFixed(2)} | ${(r.result.durationMs / 1000).toFixed(2)} | ${r.rssMb ?? '—'} | ok, ${r.result.checked.toLocaleString('en')} checked |`),
  );
  console.log(
    `| record #${victimSeq.toLocaleString('en')} altered | ${broken.wall.toFixed(2)} | ${(broken.result.durationMs / 1000).toFixed(2)} | ${broken.rssMb ?? '—'} | exit 1, names seq ${broken.result.firstBroken.seq} |`,
  );
  console.log(`\nmedian intact wall time: ${median(runs.map((r) => r.wall)).toFixed(2)} s`);
} finally {
  await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
