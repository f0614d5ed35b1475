import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { FileStorageModule } from '@cqo/server-storage';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule, FileStorageModule],
  controllers: [HealthController],
})
export class HealthModule {}
