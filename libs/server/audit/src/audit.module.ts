import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';
import { AuditChainService } from './audit-chain.service';
import { AuditController } from './audit.controller';

/** Global: every feature records its writes, denials and exports here. */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditService, AuditChainService],
  exports: [AuditService, AuditChainService],
})
export class AuditModule {}
