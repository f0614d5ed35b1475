import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import type { SqlRunner } from '@cqo/server-common';
import { PoolRepository } from './pool-repository';

/**
 * The only writer of `app_setting`: one JSON value per key. Its keys are `evaluation` (the
 * evaluation settings), `jwt_secret` (the signing secret outside production) and `demo_seed` (what
 * the demo seeder built). Writes in a transaction take its manager first.
 */
@Injectable()
export class AppSettingsRepository extends PoolRepository {
  /** The value stored under `key`, or undefined. */
  async get<T>(key: string, db: SqlRunner = this.dataSource): Promise<T | undefined> {
    const [row] = (await db.query(`SELECT value FROM app_setting WHERE key = $1`, [key])) as { value: T }[];
    return row?.value;
  }

  /** Stores `value` under `key`, replacing what was there. */
  async put(m: EntityManager, key: string, value: unknown): Promise<void> {
    await m.query(
      `INSERT INTO app_setting (key, value, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }

  /** Stores `value` under a key that must be new: a second writer of the key fails (unique key), so two racing writers cannot both pass. */
  async add(m: EntityManager, key: string, value: unknown): Promise<void> {
    await m.query(`INSERT INTO app_setting (key, value) VALUES ($1, $2)`, [key, JSON.stringify(value)]);
  }

  /** The value under `key`, storing `value` first when there is none: the first writer's value is the one every process reads. */
  async keepFirst<T>(key: string, value: T): Promise<T> {
    await this.dataSource.query(`INSERT INTO app_setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [key, JSON.stringify(value)]);
    return (await this.get<T>(key))!;
  }
}
