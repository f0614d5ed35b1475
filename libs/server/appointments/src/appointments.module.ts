import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EligibilityModule } from '@cqo/server-eligibility';
import { AppointmentsController } from './appointments.controller';
import { AppointmentsService } from './appointments.service';
import { AwardCheckService } from './award-check.service';
import { AppointmentEntity } from './entities/appointment.entity';
import { CqoPersonEntity } from './entities/cqo-person.entity';

@Module({
  imports: [TypeOrmModule.forFeature([AppointmentEntity, CqoPersonEntity]), EligibilityModule],
  controllers: [AppointmentsController],
  providers: [AppointmentsService, AwardCheckService],
  // Re-exported so callers that seed or import appointments can judge them.
  exports: [AppointmentsService, EligibilityModule],
})
export class AppointmentsModule {}
