import { Global, Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { appRoleProblem } from './app-role';
import { AppSettingsRepository } from './app-settings.repository';
import { dataSourceOptions } from './data-source-options';
import { installTransactionGuard } from './transaction-guard';

/** One data source for the process, and the `app_setting` store. Entities come from each feature's TypeOrmModule.forFeature. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.databaseUrl, {}, config.db), autoLoadEntities: true }),
    }),
  ],
  providers: [AppSettingsRepository],
  exports: [AppSettingsRepository],
})
export class DatabaseModule implements OnApplicationBootstrap {
  // Installed when the module is built, before any lifecycle hook can open a transaction.
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    if (config.transactionGuard) installTransactionGuard(dataSource);
  }

  /** Production: says so loudly when DATABASE_URL is a superuser or the owner (issue 18 item 3, docs/database-roles.md). */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.env !== 'production') return;
    const problem = await appRoleProblem(this.dataSource).catch(() => null);
    if (problem) new Logger('Database').error(`${problem}; connect as a member of cqo_app (docs/database-roles.md)`);
  }
}
