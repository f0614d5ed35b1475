import { Type as TransformTo } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Type } from '@nestjs/common';
import type { Page } from '@cqo/contracts';
import { FieldLabel } from './validation';

/** The paging fields of every list query: `page` from 1, `pageSize` up to a cap. */
export interface PageQueryFields {
  page: number;
  pageSize: number;
}

/**
 * The one home of a list query's paging: a query DTO extends `PageQuery()` (page size up to 200)
 * or `PageQuery(100)`, instead of declaring and validating `page` and `pageSize` itself. The fields
 * are validated after the DTO's own, so a bad filter is still the first error listed.
 */
export function PageQuery(maxPageSize = 200): Type<PageQueryFields> {
  class PageQueryDto implements PageQueryFields {
    @FieldLabel('页码') @IsOptional() @TransformTo(() => Number) @IsInt() @Min(1)
    page = 1;

    @FieldLabel('每页条数') @IsOptional() @TransformTo(() => Number) @IsInt() @Min(1) @Max(maxPageSize)
    pageSize = 20;
  }
  return PageQueryDto;
}

/** What `queryPage` reads through: the DataSource, or a transaction's EntityManager. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * One page of a list, the one home of the count-then-page pair: `from` is the `FROM … WHERE …` the
 * total counts, `select` the row query up to its ORDER BY (paged here); both take `params`.
 */
export async function queryPage<R, T>(db: SqlRunner, sql: { from: string; select: string }, params: unknown[], paging: PageQueryFields, map: (row: R) => T): Promise<Page<T>> {
  const [{ total }] = (await db.query(`SELECT count(*)::int AS total ${sql.from}`, params)) as { total: number }[];
  const rows = (await db.query(`${sql.select} LIMIT ${paging.pageSize} OFFSET ${(paging.page - 1) * paging.pageSize}`, params)) as R[];
  return { items: rows.map(map), total, page: paging.page, pageSize: paging.pageSize };
}
