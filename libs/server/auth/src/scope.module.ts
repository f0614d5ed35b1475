import { Module } from '@nestjs/common';
import { ScopeService } from './scope.service';

/**
 * ScopeService, provided once (issue 19 item 3): every module that checks scope imports this
 * module instead of listing ScopeService among its own providers, so there is one instance and one
 * place it is declared. Needs only AuditService (global AuditModule), so the worker and the CLI
 * use it without the auth module.
 */
@Module({
  providers: [ScopeService],
  exports: [ScopeService],
})
export class ScopeModule {}
