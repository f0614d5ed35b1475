import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RegionsModule } from '@cqo/server-regions';
import { EnterpriseAwardEntity } from './entities/enterprise-award.entity';
import { EnterpriseEntity } from './entities/enterprise.entity';
import { EnterprisesController } from './enterprises.controller';
import { EnterprisesService } from './enterprises.service';

@Module({
  imports: [TypeOrmModule.forFeature([EnterpriseEntity, EnterpriseAwardEntity]), RegionsModule],
  controllers: [EnterprisesController],
  providers: [EnterprisesService],
  exports: [EnterprisesService],
})
export class EnterprisesModule {}
