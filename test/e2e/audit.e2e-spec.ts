import { Client } from 'pg';
import { testEnv } from '../support/test-env';

describe('audit log is append-only for the application role', () => {
  let db: Client;
  beforeAll(async () => {
    // The same connection string the api and worker use.
    db = new Client({ connectionString: testEnv().databaseUrl });
    await db.connect();
    await db.query(`INSERT INTO audit_log (action, result, actor_username) VALUES ('test.append-only', 'success', 'tester')`);
  });
  afterAll(() => db.end());

  it('refuses UPDATE', async () => {
    await expect(db.query(`UPDATE audit_log SET result = 'denied' WHERE action = 'test.append-only'`)).rejects.toThrow(/permission denied|append-only/);
  });

  it('refuses DELETE', async () => {
    await expect(db.query(`DELETE FROM audit_log WHERE action = 'test.append-only'`)).rejects.toThrow(/permission denied|append-only/);
  });

  it('refuses TRUNCATE', async () => {
    await expect(db.query('TRUNCATE audit_log')).rejects.toThrow(/permission denied|append-only/);
  });

  it('still holds the row, unchanged', async () => {
    const { rows } = await db.query(`SELECT result FROM audit_log WHERE action = 'test.append-only'`);
    expect(rows).toEqual([{ result: 'success' }]);
  });
});
