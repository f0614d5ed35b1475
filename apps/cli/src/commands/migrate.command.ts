import { runMigrations } from '@cqo/server-database';
import { databaseUrlOrExit } from '../infra/runtime-env';

export async function migrateCommand(): Promise<void> {
  const ran = await runMigrations(databaseUrlOrExit());
  process.stdout.write(JSON.stringify({ migrated: ran }) + '\n');
}
