import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { UserAdminItem } from '@cqo/contracts';
import { Action, CurrentActor, Roles, type Actor } from '@cqo/server-common';
import { CreateUserDto, ResetPasswordDto, UserListQueryDto } from './dtos/users.dto';
import { UsersService } from './users.service';

/** Account administration: admin only (issue 20 item 4; 等保 2.0 8.1.4.2, ASVS V2.1, V2.5, V3.3.1). */
@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list(@Query() q: UserListQueryDto): ReturnType<UsersService['list']> {
    return this.users.list(q);
  }

  @Post()
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<UserAdminItem> {
    return this.users.create(actor, dto);
  }

  @Action(':id/disable')
  disable(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<UserAdminItem> {
    return this.users.setActive(actor, id, false);
  }

  @Action(':id/enable')
  enable(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<UserAdminItem> {
    return this.users.setActive(actor, id, true);
  }

  @Action(':id/unlock')
  unlock(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<UserAdminItem> {
    return this.users.unlock(actor, id);
  }

  @Action(':id/reset-password')
  resetPassword(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() dto: ResetPasswordDto): Promise<UserAdminItem> {
    return this.users.resetPassword(actor, id, dto.password);
  }
}
