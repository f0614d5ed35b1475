import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { LoginRequest } from '@cqo/contracts';
import { FieldLabel } from '@cqo/server-common';

export class LoginDto implements LoginRequest {
  @ApiProperty({ example: 'province' })
  @FieldLabel('用户名') @IsString() @IsNotEmpty() @MaxLength(64)
  username!: string;

  @ApiProperty({ format: 'password' })
  @FieldLabel('密码') @IsString() @IsNotEmpty() @MaxLength(128)
  password!: string;
}
