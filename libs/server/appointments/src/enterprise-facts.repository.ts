import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import type { AccidentLevel, ViolationType } from '@cqo/contracts';
import { PoolRepository } from '@cqo/server-database';

/** The enterprise an award check names, with its region's name. */
export interface AwardEnterpriseRow {
  id: string;
  name: string;
  region_path: string;
  region_name: string;
}

/** An open violation as the award check lists it. */
export interface OpenViolationRow {
  type: ViolationType;
  accident_level: AccidentLevel | null;
  occurred_on: string;
  source_document: string;
}

/**
 * The appointments feature's reads of other features' tables (the register and the violations):
 * the enterprise a filing is for, the one an award check names and its open violations. It writes
 * nothing; methods that run in a transaction take its manager first.
 */
@Injectable()
export class EnterpriseFactsRepository extends PoolRepository {
  /**
   * The date an enterprise closed (注销/吊销/迁出, issue 17), or null, under a share lock that orders
   * a filing with a closing (enterprise before appointment, as an edit of the enterprise locks them).
   */
  async closedOnForShare(m: EntityManager, id: string): Promise<string | null> {
    const [{ closed_on: closedOn }]: { closed_on: string | null }[] = await m.query(`SELECT closed_on::text AS closed_on FROM enterprise WHERE id = $1 FOR SHARE`, [id]);
    return closedOn;
  }

  /** An enterprise by 统一社会信用代码, with its region's name, or null. */
  async byCreditCode(code: string): Promise<AwardEnterpriseRow | null> {
    const [e]: AwardEnterpriseRow[] = await this.dataSource.query(
      `SELECT e.id, e.name, e.region_path, r.name AS region_name FROM enterprise e JOIN region r ON r.code = e.region_code WHERE e.credit_code = $1`,
      [code],
    );
    return e ?? null;
  }

  /** The open violations of an enterprise or of its CQO (`personId`, when there is one), oldest first. */
  async openViolations(enterpriseId: string, personId: string | null): Promise<OpenViolationRow[]> {
    return this.dataSource.query(
      `SELECT type, accident_level, occurred_on::text AS occurred_on, source_document FROM violation
        WHERE status = 'open' AND (enterprise_id = $1 OR ($2::uuid IS NOT NULL AND person_id = $2::uuid)) ORDER BY occurred_on`,
      [enterpriseId, personId],
    );
  }
}
