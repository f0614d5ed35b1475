import { Global, Inject, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { dataSourceOptions } from './data-source-options';
import { installTransactionGuard } from './transaction-guard';

/** One data source for the process. Entities come from each feature's TypeOrmModule.forFeature. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.databaseUrl, {}, config.db), autoLoadEntities: true }),
    }),
  ],
})
export class DatabaseModule {
  // Installed when the module is built, before any lifecycle hook can open a transaction.
  constructor(dataSource: DataSource, @Inject(APP_CONFIG) config: AppConfig) {
    if (config.transactionGuard) installTransactionGuard(dataSource);
  }
}
