import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ROLES, USER_SORT_KEYS, type Role, type SortParam, type UserSortKey } from '@cqo/contracts';
import { FieldLabel, PageQuery, SortQuery, OptionalIn } from '@cqo/server-common';

export class UserListQueryDto extends PageQuery(100) {
  @FieldLabel('关键字') @IsOptional() @IsString() @MaxLength(64)
  q?: string;

  @OptionalIn('角色', ROLES, '角色不正确')
  role?: Role;

  @SortQuery(USER_SORT_KEYS)
  sort?: SortParam<UserSortKey>;
}

export class CreateUserDto {
  @FieldLabel('用户名') @IsString() @IsNotEmpty({ message: '请填写用户名' }) @MaxLength(64)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { message: '用户名只能包含字母、数字、下划线、点和连字符' })
  username!: string;

  @FieldLabel('姓名') @IsString() @IsNotEmpty({ message: '请填写姓名' }) @MaxLength(64)
  displayName!: string;

  @FieldLabel('角色') @IsIn(ROLES, { message: '角色不正确' })
  role!: Role;

  @FieldLabel('管辖地区') @IsOptional() @IsString() @Matches(/^\d{6}$/, { message: '地区代码应为6位数字' })
  regionCode?: string | null;

  @FieldLabel('所属企业') @IsOptional() @IsString() @MaxLength(64)
  enterpriseId?: string | null;

  @FieldLabel('初始密码') @IsString() @IsNotEmpty({ message: '请填写初始密码' }) @MaxLength(128)
  password!: string;
}

export class ResetPasswordDto {
  @FieldLabel('新密码') @IsString() @IsNotEmpty({ message: '请填写新密码' }) @MaxLength(128)
  password!: string;
}
