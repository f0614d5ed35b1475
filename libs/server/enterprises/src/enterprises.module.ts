import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScopeModule } from '@cqo/server-auth';
import { EligibilityModule } from '@cqo/server-eligibility';
import { RegionsModule } from '@cqo/server-regions';
import { EnterpriseEntity } from './entities/enterprise.entity';
import { EnterpriseChangeRequestsController } from './enterprise-change-requests.controller';
import { EnterpriseChangeRequestsRepository } from './enterprise-change-requests.repository';
import { EnterpriseChangeRequestsService } from './enterprise-change-requests.service';
import { EnterprisesController } from './enterprises.controller';
import { EnterprisesRepository } from './enterprises.repository';
import { EnterprisesService } from './enterprises.service';
import { EnterpriseClosingService } from './enterprise-closing.service';

@Module({
  imports: [TypeOrmModule.forFeature([EnterpriseEntity]), RegionsModule, ScopeModule, EligibilityModule],
  controllers: [EnterprisesController, EnterpriseChangeRequestsController],
  providers: [EnterprisesService, EnterprisesRepository, EnterpriseClosingService, EnterpriseChangeRequestsService, EnterpriseChangeRequestsRepository],
  exports: [EnterprisesService, EnterprisesRepository],
})
export class EnterprisesModule {}
