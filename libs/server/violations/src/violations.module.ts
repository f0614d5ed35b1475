import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EligibilityModule } from '@cqo/server-eligibility';
import { RegionsModule } from '@cqo/server-regions';
import { ViolationEntity } from './entities/violation.entity';
import { ViolationsController } from './violations.controller';
import { ViolationsService } from './violations.service';

@Module({
  imports: [TypeOrmModule.forFeature([ViolationEntity]), EligibilityModule, RegionsModule],
  controllers: [ViolationsController],
  providers: [ViolationsService],
  exports: [ViolationsService],
})
export class ViolationsModule {}
