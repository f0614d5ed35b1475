import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { CurrentActor, type Actor } from '@cqo/server-common';
import { MessagingService, type MessagePreferences } from './messaging.service';

export class MessagePreferencesDto {
  @IsOptional() @IsString() @MaxLength(254) email?: string | null;
  @IsOptional() @IsString() @MaxLength(11) phone?: string | null;
  @IsOptional() @IsBoolean() emailEnabled?: boolean;
  @IsOptional() @IsBoolean() smsEnabled?: boolean;
}

/** The signed-in user's own contact details and e-mail / SMS opt-out (issue 22). */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me/message-preferences')
export class MessagingController {
  constructor(private readonly messaging: MessagingService) {}

  @Get()
  get(@CurrentActor() actor: Actor): Promise<MessagePreferences> {
    return this.messaging.preferences(actor);
  }

  @Put()
  put(@CurrentActor() actor: Actor, @Body() dto: MessagePreferencesDto): Promise<MessagePreferences> {
    return this.messaging.updatePreferences(actor, { email: dto.email, phone: dto.phone, email_enabled: dto.emailEnabled, sms_enabled: dto.smsEnabled });
  }
}
