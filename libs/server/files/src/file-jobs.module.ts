import { Module, type DynamicModule } from '@nestjs/common';
import { AttachmentModule } from '@cqo/server-attachment';
import { EnterprisesModule } from '@cqo/server-enterprises';
import { CityReportsDataModule, FilingStatusListModule } from '@cqo/server-filings';
import { RosterModule } from '@cqo/server-roster';
import { StatsModule } from '@cqo/server-stats';
import { FileStorageModule } from '@cqo/server-storage';
import { TrainingServicesModule } from '@cqo/server-training';
import { ViolationsModule } from '@cqo/server-violations';
import { FileJobsController, TrainingUploadController } from './file-jobs.controller';
import { FileJobsRepository } from './file-jobs.repository';
import { FileJobsService } from './file-jobs.service';
import { FileJobRunner } from './file-job-runner';
import { ListExportService } from './list-export.service';
import { FileJobsProcessor, FileJobsScheduleService } from './jobs/file-jobs.processor';

/** Export and import jobs (roster and training) with progress, cancel and 我的导出/导入 (issue 7, issue 18 item 1). */
@Module({
  imports: [AttachmentModule, CityReportsDataModule, EnterprisesModule, FilingStatusListModule, StatsModule, RosterModule, TrainingServicesModule, ViolationsModule, FileStorageModule],
  controllers: [FileJobsController, TrainingUploadController],
  providers: [FileJobsRepository, FileJobsService, FileJobRunner, ListExportService],
  exports: [FileJobsService, FileJobRunner],
})
export class FileJobsModule {
  /** The same module plus its queue processor and the hourly cleanup, for the worker process. */
  static withProcessors(): DynamicModule {
    return { module: FileJobsModule, providers: [FileJobsProcessor, FileJobsScheduleService] };
  }
}
