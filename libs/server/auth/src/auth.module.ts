import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@cqo/server-common';
import { RegionsModule } from '@cqo/server-regions';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginFailureEntity } from './entities/login-failure.entity';
import { SessionEntity } from './entities/session.entity';
import { UserEntity } from './entities/user.entity';
import { ScopeService } from './scope.service';
import { TokenService } from './token.service';

/** Sign-in, sessions, the global guard and the scope service every feature uses. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, SessionEntity, LoginFailureEntity]),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      // Each guarded route skips the throttlers that are not its own (@SkipThrottle).
      useFactory: (config: AppConfig) => [
        { name: 'login', ttl: 60_000, limit: config.loginRateLimitPerMinute },
        { name: 'verify', ttl: 60_000, limit: config.verifyRateLimitPerMinute },
      ],
    }),
    RegionsModule,
  ],
  controllers: [AuthController],
  providers: [AuthService, TokenService, ScopeService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, ScopeService],
})
export class AuthModule {}
