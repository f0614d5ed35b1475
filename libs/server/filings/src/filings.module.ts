import { Module } from '@nestjs/common';
import { EnterpriseRefsModule } from '@cqo/server-enterprises';
import { EligibilityModule } from '@cqo/server-eligibility';
import { MessagingCoreModule, MessagingModule, MessagingWorkerModule } from '@cqo/server-messaging';
import { RegionsModule } from '@cqo/server-regions';
import { FileStorageModule } from '@cqo/server-storage';
import { TrainingModule } from '@cqo/server-training';
import { AnnualReportsRepository } from './annual-reports.repository';
import { AnnualReportsService } from './annual-reports.service';
import { CityReportsRepository } from './city-reports.repository';
import { CityReportsService } from './city-reports.service';
import { AnnualReportsController } from './annual-reports.controller';
import { CityReportsController } from './city-reports.controller';
import { FilingSettingsController } from './filing-settings.controller';
import { NotificationsController } from './notifications.controller';
import { FilingSettingsRepository } from './filing-settings.repository';
import { FilingSettingsService } from './filing-settings.service';
import { FilingStatusRepository } from './filing-status.repository';
import { RemindersProcessor, ReminderScheduleService } from './jobs/reminders.processor';
import { LogNotificationChannel, NOTIFICATION_CHANNEL } from './notification-channel';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { LifecycleRemindersService } from './lifecycle-reminders.service';
import { RemindersRepository } from './reminders.repository';
import { RemindersService } from './reminders.service';
import { FilingStatusListService } from './filing-status-list.service';

/** Delivery goes through one channel provider; swap `useClass` for an e-mail or SMS channel. */
const channel = { provide: NOTIFICATION_CHANNEL, useClass: LogNotificationChannel };

/**
 * The notification centre's writer alone (bell row + e-mail/SMS queued in the caller's transaction),
 * for a module that tells people from a write of its own: the certificate changes of the evaluation
 * module (issue 22), in the api and the worker.
 */
@Module({
  imports: [MessagingCoreModule],
  providers: [NotificationsRepository, NotificationsService, channel],
  exports: [NotificationsService],
})
export class NotificationsModule {}

/**
 * The city report's repository alone (the only writer of `city_report`), for a feature that keeps
 * something on a report without the whole reporting cycle: the 统计表 the files worker makes for a
 * submission (issue 19).
 */
@Module({
  providers: [CityReportsRepository],
  exports: [CityReportsRepository],
})
export class CityReportsDataModule {}

/** The reporting cycle for the api: settings, annual reports, city reports, 催报 and the notification centre. */
@Module({
  imports: [RegionsModule, EligibilityModule, TrainingModule, MessagingModule, NotificationsModule, FileStorageModule, CityReportsDataModule, EnterpriseRefsModule],
  controllers: [FilingSettingsController, AnnualReportsController, CityReportsController, NotificationsController],
  providers: [
    FilingSettingsRepository,
    FilingSettingsService,
    FilingStatusRepository,
    FilingStatusListService,
    AnnualReportsRepository,
    AnnualReportsService,
    CityReportsService,
    RemindersRepository,
    RemindersService,
  ],
  exports: [FilingSettingsService, AnnualReportsService, CityReportsService, RemindersService, NotificationsModule],
})
export class FilingsModule {}

/** The worker's part: the daily reminder schedule and its processor (no HTTP, no scope service). */
@Module({
  imports: [RegionsModule, EligibilityModule, MessagingWorkerModule, NotificationsModule],
  providers: [
    FilingSettingsRepository,
    FilingSettingsService,
    FilingStatusRepository,
    FilingStatusListService,
    RemindersRepository,
    RemindersService,
    LifecycleRemindersService,
    RemindersProcessor,
    ReminderScheduleService,
  ],
  exports: [RemindersService, LifecycleRemindersService],
})
export class FilingsWorkerModule {}
