import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { RegionsModule } from '@cqo/server-regions';
import { AccountsModule } from './accounts.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { SessionEntity } from './entities/session.entity';
import { UserEntity } from './entities/user.entity';
import { ScopeModule } from './scope.module';
import { SharedThrottlerStorage } from './throttler-storage';
import { TokenService } from './token.service';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Sign-in, sessions, the global guard, the scope service every feature uses and the accounts' repository. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, SessionEntity]),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      // Each guarded route skips the throttlers that are not its own (@SkipThrottle).
      useFactory: (config: AppConfig) => ({
        throttlers: [
          { name: 'login', ttl: 60_000, limit: config.loginRateLimitPerMinute },
          { name: 'verify', ttl: 60_000, limit: config.verifyRateLimitPerMinute },
        ],
        // Counted in Redis, so every api replica sees the same counts (issue 21).
        storage: new SharedThrottlerStorage(config.redisUrl, config.throttlePrefix),
      }),
    }),
    RegionsModule,
    ScopeModule,
    AccountsModule,
  ],
  controllers: [AuthController, UsersController],
  providers: [AuthService, TokenService, UsersService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, ScopeModule, AccountsModule],
})
export class AuthModule {}
