import { Module } from '@nestjs/common';
import { AccountsRepository } from './accounts.repository';

/**
 * AccountsRepository, provided once (issue 19 item 2) and with no imports: the auth module re-exports
 * it, and a module that writes an account's row without importing the auth module (messaging, in
 * the api and the worker) imports this one, so no module cycle arises.
 */
@Module({
  providers: [AccountsRepository],
  exports: [AccountsRepository],
})
export class AccountsModule {}
