import type { DataSourceOptions } from 'typeorm';
import { InitialSchema1763800000000 } from './migrations/1763800000000-InitialSchema';
import { LoadRegions1763800000001 } from './migrations/1763800000001-LoadRegions';
import { Appointments1763900000000 } from './migrations/1763900000000-Appointments';
import { TrainingLedger1764000000000 } from './migrations/1764000000000-TrainingLedger';
import { AnnualReporting1764100000000 } from './migrations/1764100000000-AnnualReporting';
import { StatsSnapshots1764200000000 } from './migrations/1764200000000-StatsSnapshots';
import { StatsTrainingYearIndex1764300000000 } from './migrations/1764300000000-StatsTrainingYearIndex';
import { FileJobs1764400000000 } from './migrations/1764400000000-FileJobs';
import { Evaluation1764500000000 } from './migrations/1764500000000-Evaluation';
import { PolicyRevision1764610000000 } from './migrations/1764610000000-PolicyRevision';
import { StatsDirty1764620000000 } from './migrations/1764620000000-StatsDirty';
import { NameGramsInline1764630000000 } from './migrations/1764630000000-NameGramsInline';
import { StatsDirtyFilings1764640000000 } from './migrations/1764640000000-StatsDirtyFilings';
import { StatDelta1764650000000 } from './migrations/1764650000000-StatDelta';
import { ViolationVoidRevocationPending1764660000000 } from './migrations/1764660000000-ViolationVoidRevocationPending';
import { CityReportAttachment1764680000000 } from './migrations/1764680000000-CityReportAttachment';
import { FiguresAsOf1764750000000 } from './migrations/1764750000000-FiguresAsOf';
import { ViolationStatusHistory1764760000000 } from './migrations/1764760000000-ViolationStatusHistory';
import { EditedMigrationsCatchUp1764770000000 } from './migrations/1764770000000-EditedMigrationsCatchUp';
import { AwardHistory1764780000000 } from './migrations/1764780000000-AwardHistory';
import { QualifiedNameGrams1764785000000 } from './migrations/1764785000000-QualifiedNameGrams';
import { SessionHardening1764700000000 } from './migrations/1764700000000-SessionHardening';
import { OutboxCompletion1764730000000 } from './migrations/1764730000000-OutboxCompletion';
import { AppRole1764710000000 } from './migrations/1764710000000-AppRole';
import { AuditChain1764710000001 } from './migrations/1764710000001-AuditChain';
import { EnterpriseAwardUndated1764670000000 } from './migrations/1764670000000-EnterpriseAwardUndated';
import { EnterpriseChangeRequests1764720000000 } from './migrations/1764720000000-EnterpriseChangeRequests';
import { FileJobTrainingImport1764740000000 } from './migrations/1764740000000-FileJobTrainingImport';
import { Messaging1764790000000 } from './migrations/1764790000000-Messaging';
import { EnterpriseClosing1764820000000 } from './migrations/1764820000000-EnterpriseClosing';
import { StoredFiles1764860000000 } from './migrations/1764860000000-StoredFiles';
import { FileJobListExport1764840000000 } from './migrations/1764840000000-FileJobListExport';
import { StatContrib1764810000000 } from './migrations/1764810000000-StatContrib';

/** Listed, not globbed: the compiled output and the jest run see the same set. Append new ones. */
export const MIGRATIONS = [InitialSchema1763800000000, LoadRegions1763800000001, Appointments1763900000000, TrainingLedger1764000000000, AnnualReporting1764100000000, StatsSnapshots1764200000000, StatsTrainingYearIndex1764300000000, FileJobs1764400000000, Evaluation1764500000000, PolicyRevision1764610000000, StatsDirty1764620000000, NameGramsInline1764630000000, StatsDirtyFilings1764640000000, StatDelta1764650000000, CityReportAttachment1764680000000, ViolationVoidRevocationPending1764660000000, EnterpriseAwardUndated1764670000000, FiguresAsOf1764750000000, ViolationStatusHistory1764760000000, EditedMigrationsCatchUp1764770000000, AwardHistory1764780000000, QualifiedNameGrams1764785000000, OutboxCompletion1764730000000, SessionHardening1764700000000, AppRole1764710000000, AuditChain1764710000001, FileJobTrainingImport1764740000000, EnterpriseChangeRequests1764720000000, Messaging1764790000000, EnterpriseClosing1764820000000, StoredFiles1764860000000, FileJobListExport1764840000000, StatContrib1764810000000];

/** The pool and its guard rails (AppConfig.db): a mistake becomes an error, never a hang. */
export interface PoolSettings {
  poolSize: number;
  /** How long a query waits for a free pool connection before it fails. */
  acquireTimeoutMs: number;
  /** Server side: the longest one statement may run (0 = no limit). Long jobs raise it per transaction with SET LOCAL. */
  statementTimeoutMs: number;
  /** Server side: a session idle inside an open transaction this long is ended, and its locks released. */
  idleInTransactionTimeoutMs: number;
}

export const DEFAULT_POOL: PoolSettings = { poolSize: 10, acquireTimeoutMs: 30_000, statementTimeoutMs: 30_000, idleInTransactionTimeoutMs: 60_000 };

export function dataSourceOptions(url: string, extra: Partial<DataSourceOptions> = {}, pool: PoolSettings = DEFAULT_POOL): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    extra: {
      max: pool.poolSize,
      application_name: 'cqo',
      connectionTimeoutMillis: pool.acquireTimeoutMs,
      statement_timeout: pool.statementTimeoutMs,
      idle_in_transaction_session_timeout: pool.idleInTransactionTimeoutMs,
    },
    ...extra,
  } as DataSourceOptions;
}
