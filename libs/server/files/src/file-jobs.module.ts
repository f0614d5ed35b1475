import { Module, type DynamicModule } from '@nestjs/common';
import { AttachmentModule } from '@cqo/server-attachment';
import { RosterModule } from '@cqo/server-roster';
import { FileStorageModule } from '@cqo/server-storage';
import { TrainingServicesModule } from '@cqo/server-training';
import { FileJobsController, TrainingUploadController } from './file-jobs.controller';
import { FileJobsService } from './file-jobs.service';
import { FileJobsProcessor, FileJobsScheduleService } from './jobs/file-jobs.processor';

/** Export and import jobs (roster and training) with progress, cancel and 我的导出/导入 (issue 7, issue 18 item 1). */
@Module({
  imports: [AttachmentModule, RosterModule, TrainingServicesModule, FileStorageModule],
  controllers: [FileJobsController, TrainingUploadController],
  providers: [FileJobsService],
  exports: [FileJobsService],
})
export class FileJobsModule {
  /** The same module plus its queue processor and the hourly cleanup, for the worker process. */
  static withProcessors(): DynamicModule {
    return { module: FileJobsModule, providers: [FileJobsProcessor, FileJobsScheduleService] };
  }
}
