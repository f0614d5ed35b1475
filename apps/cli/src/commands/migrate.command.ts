import { migrateDatabase } from '../infra/runtime-env';

/**
 * `cqo migrate`: pending migrations, as the owner (DATABASE_OWNER_URL); then the app's login role
 * (DATABASE_URL's user) is made sure of (docs/database-roles.md).
 */
export async function migrateCommand(): Promise<void> {
  const ran = await migrateDatabase({ provision: true });
  process.stdout.write(JSON.stringify({ migrated: ran }) + '\n');
}
