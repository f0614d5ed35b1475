import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDateString, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { IMPORT_MODES, type ImportMode } from '@cqo/contracts';
import { FieldLabel } from '@cqo/server-common';

export class ExportAttachmentDto {
  @ApiProperty({ example: '420100' })
  @FieldLabel('地区')
  @Matches(/^\d{6}$/, { message: '地区应为 6 位行政区划代码' })
  region!: string;

  @ApiProperty({ example: 2026 })
  @FieldLabel('年度')
  @Type(() => Number)
  @IsInt({ message: '年度应为整数' })
  @Min(2000, { message: '年度不能早于 2000 年' })
  @Max(2100, { message: '年度不能晚于 2100 年' })
  year!: number;

  @ApiPropertyOptional({ example: '2026-06-30' })
  @FieldLabel('统计截止日期')
  @IsOptional()
  @IsDateString({ strict: true }, { message: '统计截止日期应为YYYY-MM-DD格式的有效日期' })
  asOf?: string;
}

/** The form fields of an import upload (roster or training), beside the file. */
export class ImportUploadDto {
  @ApiPropertyOptional({ enum: IMPORT_MODES, default: 'all-or-nothing' })
  @FieldLabel('导入方式')
  @IsOptional()
  @IsIn(IMPORT_MODES, { message: '导入方式应为 all-or-nothing（全部正确才导入）或 keep-valid（仅导入正确的行）' })
  mode?: ImportMode;

  @ApiPropertyOptional({ description: 'true: validate every row and report, writing nothing', default: 'false' })
  @FieldLabel('先校验')
  @IsOptional()
  @IsIn(['true', 'false'], { message: '先校验应为 true 或 false' })
  dryRun?: 'true' | 'false';
}

/** The columns a list export writes (the page's visible ones, by key); default all. */
export class ExportListDto {
  @ApiPropertyOptional({ type: [String], example: ['name', 'region', 'creditCode'] })
  @FieldLabel('导出列')
  @IsOptional()
  @IsArray({ message: '导出列应为列名数组' })
  @ArrayMaxSize(50, { message: '导出列过多' })
  @IsString({ each: true, message: '导出列应为列名' })
  columns?: string[];
}
