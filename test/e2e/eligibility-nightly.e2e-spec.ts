import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { Client } from 'pg';
import { addDays, chinaDate } from '@cqo/policy';
import { transactionGuardViolations } from '@cqo/server-database';
import { QueueName } from '@cqo/server-queue';
import { bearer, hubeiEligibleFiling, makeEnterprise, makeUser } from '../support/fixtures';
import { privateDatabase } from '../support/private-db';
import { createTestApp, startTestWorker, testConfig, type TestApp } from '../support/test-app';
import { asOwner, testEnv } from '../support/test-env';

/**
 * The nightly eligibility job through bull and the worker (issue 19 "one unit of work"): the terms
 * it ends, their audit rows and the `stats.refresh` outbox row that tells the figures commit
 * together. Its own database: the nightly run is province-wide, and the test puts a trigger on the
 * outbox.
 */
describe('the nightly eligibility job is one unit of work (real Postgres + Redis)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let owner: Client;
  const today = chinaDate(new Date());

  beforeAll(async () => {
    const databaseUrl = await privateDatabase('nightly');
    const config = testConfig({ DATABASE_URL: databaseUrl, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:nightly` });
    t = await createTestApp({ config });
    worker = await startTestWorker(config);
    owner = new Client({ connectionString: asOwner(databaseUrl) }); // the app's own role may not add a trigger
    await owner.connect();
  }, 60_000);
  afterAll(async () => {
    await owner?.end();
    await worker?.close();
    await t?.close();
  });

  /** Runs the nightly job once on the worker; answers its result, or throws its failure. */
  const nightly = async () => {
    const job = await worker.get<Queue>(getQueueToken(QueueName.Eligibility)).add('eligibility.nightly', {}, { attempts: 1 });
    return (await job.finished()) as { expired: number; evaluated: number; changed: number };
  };

  it('a stats.refresh outbox row that cannot be written rolls the ended terms and their audit back with it', async () => {
    const province = await bearer(t.http, (await makeUser(t.db, 'province', { regionCode: '420000' })).username);
    const e = await makeEnterprise(t.db, '420102');
    const filed = await t
      .http()
      .post(`/api/enterprises/${e.id}/appointments`)
      .set('Authorization', province)
      .send(hubeiEligibleFiling(addDays(today, -10), { initialTrainingCompletedOn: addDays(today, -20), termEnd: addDays(today, 3) }))
      .expect(201);
    // Its term ran out yesterday (the worker's clock is the real one).
    await t.db.query(`UPDATE appointment SET term_end = $2 WHERE id = $1`, [filed.body.id, addDays(today, -1)]);
    const state = async () => ({
      status: (await t.db.query(`SELECT status FROM appointment WHERE id = $1`, [filed.body.id]))[0].status as string,
      audited: Number((await t.db.query(`SELECT count(*) AS n FROM audit_log WHERE action = 'appointment.expire' AND object_id = $1`, [filed.body.id]))[0].n),
      refreshes: Number((await t.db.query(`SELECT count(*) AS n FROM outbox WHERE job_name = 'stats.refresh' AND payload->>'reason' = 'eligibility.nightly'`))[0].n),
    });

    // The outbox refuses the nightly job's row: the expiry must not commit without it.
    await owner.query(`CREATE FUNCTION test_refuse_nightly_refresh() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox refused by the test'; END $$`);
    await owner.query(
      `CREATE TRIGGER test_refuse_nightly_refresh BEFORE INSERT ON outbox FOR EACH ROW
         WHEN (NEW.payload->>'reason' = 'eligibility.nightly') EXECUTE FUNCTION test_refuse_nightly_refresh()`,
    );
    try {
      await expect(nightly()).rejects.toThrow('outbox refused by the test');
    } finally {
      await owner.query(`DROP TRIGGER test_refuse_nightly_refresh ON outbox`);
      await owner.query(`DROP FUNCTION test_refuse_nightly_refresh()`);
    }
    expect(await state()).toEqual({ status: 'active', audited: 0, refreshes: 0 });

    // Run again with the outbox open: the term ends, audited once, and the figures are told.
    expect(await nightly()).toMatchObject({ expired: 1 });
    expect(await state()).toEqual({ status: 'expired', audited: 1, refreshes: 1 });
    expect(transactionGuardViolations()).toEqual([]);
  }, 60_000);
});
