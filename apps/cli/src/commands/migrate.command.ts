import { loadConfig } from '@cqo/server-common';
import { S3FileStorage } from '@cqo/server-storage';
import { migrateDatabase } from '../infra/runtime-env';

/**
 * `cqo migrate`: pending migrations, as the owner (DATABASE_OWNER_URL); then the app's login role
 * (DATABASE_URL's user) is made sure of (docs/database-roles.md), and the bucket of CQO_S3_* is
 * created when missing (issue 21; the folder CQO_FILES_DIR is made at its first file).
 */
export async function migrateCommand(): Promise<void> {
  const ran = await migrateDatabase({ provision: true });
  const { s3 } = loadConfig();
  if (s3) {
    const bucket = new S3FileStorage(s3);
    await bucket.ensureReady();
    bucket.destroy();
  }
  process.stdout.write(JSON.stringify({ migrated: ran }) + '\n');
}
