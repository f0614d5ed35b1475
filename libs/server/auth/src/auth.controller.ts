import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { SkipThrottle, ThrottlerGuard } from '@nestjs/throttler';
import type { LoginResponse, MeResponse, TokenResponse } from '@cqo/contracts';
import { CurrentActor, Public, type Actor, type RequestWithActor } from '@cqo/server-common';
import { AuthService } from './auth.service';
import { AllowedBeforePasswordChange, bearerToken } from './auth.guard';
import { ChangePasswordDto } from './dtos/change-password.dto';
import { LoginDto } from './dtos/login.dto';

function client(req: RequestWithActor) {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: (Array.isArray(ua) ? ua[0] : ua) ?? null };
}

@ApiTags('auth')
@SkipThrottle({ verify: true })
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  login(@Body() dto: LoginDto, @Req() req: RequestWithActor): Promise<LoginResponse> {
    return this.auth.login(dto.username, dto.password, client(req));
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  @ApiBearerAuth()
  refresh(@Req() req: RequestWithActor): Promise<TokenResponse> {
    return this.auth.refresh(bearerToken(req), client(req));
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @AllowedBeforePasswordChange()
  logout(@CurrentActor() actor: Actor): Promise<void> {
    return this.auth.logout(actor);
  }

  /** Issue 18 item 8 (ASVS V2.1.5/V3.3.3): change the password; every other session is signed out. */
  @Post('password')
  @HttpCode(204)
  @UseGuards(ThrottlerGuard)
  @ApiBearerAuth()
  @AllowedBeforePasswordChange()
  changePassword(@CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(actor, dto.currentPassword, dto.newPassword);
  }

  @Get('me')
  @ApiBearerAuth()
  @AllowedBeforePasswordChange()
  me(@CurrentActor() actor: Actor): Promise<MeResponse> {
    return this.auth.me(actor.userId);
  }
}
