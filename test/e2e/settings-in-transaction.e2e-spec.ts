import { clearTransactionGuardViolations, TransactionGuardError, transactionGuardViolations } from '@cqo/server-database';
import { EvaluationSettingsService } from '@cqo/server-evaluation';
import { FilingSettingsService } from '@cqo/server-filings';
import { chinaDate, yearOf } from '@cqo/policy';
import { privateDatabase } from '../support/private-db';
import { createTestApp, testConfig, type TestApp } from '../support/test-app';
import { testEnv } from '../support/test-env';

/**
 * Settings read inside a transaction (issue 16: nothing inside a transaction may reach for a second
 * pool connection). The evaluation settings are read in the certificate issue's and the score
 * sheets' transactions, the filing settings in the filings'; both name the province, a region the
 * process caches once read. A process that has not read it yet (just started: the first request
 * after a restart) must read it on the transaction's own connection, not wait for a second one.
 * Each test starts an api of its own, so its region cache is empty; the transaction guard is on.
 */
describe('settings read in a transaction of a freshly started api use that transaction (issue 16)', () => {
  let url: string;
  let t: TestApp | undefined;
  const year = yearOf(chinaDate(new Date()));

  beforeAll(async () => {
    url = await privateDatabase('settings_tx');
  }, 60_000);
  beforeEach(async () => {
    t = await createTestApp({ config: testConfig({ DATABASE_URL: url, CQO_REDIS_PREFIX: `${testEnv().redisPrefix}:settings-tx` }) });
    clearTransactionGuardViolations();
  }, 60_000);
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('the evaluation settings (certificate issue, score sheets): the issuing body is named after the province, read on the transaction', async () => {
    const settings = await t!.db.transaction((m) => t!.app.get(EvaluationSettingsService).get(m));
    expect(settings.issuingBody).toBe('湖北省首席质量官能力评价中心');
    expect(transactionGuardViolations()).toEqual([]);
  });

  it('the filing settings of a year, read on the transaction', async () => {
    const settings = await t!.db.transaction((m) => t!.app.get(FilingSettingsService).forYear(year, m));
    expect(settings).toMatchObject({ year });
    expect(transactionGuardViolations()).toEqual([]);
  });

  it('the guard is on in these apps: a pool read inside the transaction throws', async () => {
    await expect(t!.db.transaction(() => t!.db.query('SELECT 1'))).rejects.toBeInstanceOf(TransactionGuardError);
    clearTransactionGuardViolations();
  });
});
