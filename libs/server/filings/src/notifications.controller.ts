import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { NotificationItem, NotificationList } from '@cqo/contracts';
import { Action, CurrentActor, type Actor } from '@cqo/server-common';
import { NotificationQueryDto } from './dtos/filings.dto';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: NotificationQueryDto): Promise<NotificationList> {
    return this.notifications.list(actor, q);
  }

  @Action('read-all')
  readAll(@CurrentActor() actor: Actor): Promise<{ updated: number }> {
    return this.notifications.markAllRead(actor);
  }

  @Action(':id/read')
  read(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<NotificationItem> {
    return this.notifications.markRead(actor, id);
  }
}
