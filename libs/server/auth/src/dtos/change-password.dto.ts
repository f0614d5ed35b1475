import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { ChangePasswordRequest } from '@cqo/contracts';
import { FieldLabel } from '@cqo/server-common';

/** The policy itself (length, blank, common, the account name) is checked by the service, with field errors. */
export class ChangePasswordDto implements ChangePasswordRequest {
  @ApiProperty({ format: 'password' })
  @FieldLabel('当前密码') @IsString() @IsNotEmpty() @MaxLength(128)
  currentPassword!: string;

  @ApiProperty({ format: 'password', minLength: 12, maxLength: 128 })
  @FieldLabel('新密码') @IsString() @IsNotEmpty() @MaxLength(512)
  newPassword!: string;
}
