import { Transform, Type as TransformTo } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { applyDecorators, type Type } from '@nestjs/common';
import { sortValues, type Page } from '@cqo/contracts';
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

/**
 * A list's equality filters: `column = $n` for each one given a value (undefined, null and '' are
 * no filter), its value pushed onto `params`. Join them with the list's other conditions.
 */
function equalsFilters(params: unknown[], filters: Record<string, unknown>): string[] {
  return Object.entries(filters)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([column, v]) => `${column} = $${params.push(v)}`);
}

/** A condition that binds its values by pushing them onto the shared `params` (a scope, say). */
export type ParamsSql = (params: unknown[]) => string;

/**
 * A list's WHERE conditions and their parameters, in one idiom: the first condition (the caller's
 * scope, or a fixed one), then the equality filters given a value. The caller may push more.
 */
export function listWhere(first: ParamsSql | string, filters: Record<string, unknown>): { where: string[]; params: unknown[] } {
  const params: unknown[] = [];
  const where = [typeof first === 'string' ? first : first(params)];
  where.push(...equalsFilters(params, filters));
  return { where, params };
}

/** The columns naming the enterprise a list row is about. */
export interface EnterpriseColumns {
  enterprise_id: string;
  enterprise_name: string;
  credit_code: string;
  region_code: string;
  region_name: string;
}

/** The enterprise a list row is about, from its `EnterpriseColumns`. */
export function enterpriseOfRow(r: EnterpriseColumns) {
  return { enterpriseId: r.enterprise_id, enterpriseName: r.enterprise_name, creditCode: r.credit_code, regionCode: r.region_code, regionName: r.region_name };
}

/** What `queryPage` reads through: the DataSource, or a transaction's EntityManager. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * One page of a list, the one home of the count-then-page pair: `from` is the `FROM … WHERE …` the
 * total counts, `select` the row query up to its ORDER BY (paged here); both take `params`. The
 * two are sent together: on the DataSource they run side by side, on a transaction's
 * EntityManager one after the other on its own connection (never a second one).
 */
export async function queryPage<R, T>(db: SqlRunner, sql: { from: string; select: string }, params: unknown[], paging: PageQueryFields, map: (row: R) => T): Promise<Page<T>> {
  const [counted, rows] = (await Promise.all([
    db.query(`SELECT count(*)::int AS total ${sql.from}`, params),
    db.query(`${sql.select} LIMIT ${paging.pageSize} OFFSET ${(paging.page - 1) * paging.pageSize}`, params),
  ])) as [{ total: number }[], R[]];
  return { items: rows.map(map), total: counted[0].total, page: paging.page, pageSize: paging.pageSize };
}

/**
 * `queryPage` over a list's WHERE conditions, the one place they are joined (with AND): the total
 * counts `count` (the FROM the conditions need), the rows come from `select` (its SELECT … FROM …)
 * in `orderBy`'s order.
 */
export function queryWherePage<R, T>(
  db: SqlRunner,
  sql: { count: string; select: string; orderBy: string },
  where: readonly string[],
  params: unknown[],
  paging: PageQueryFields,
  map: (row: R) => T,
): Promise<Page<T>> {
  const clause = where.join(' AND ');
  return queryPage(db, { from: `${sql.count} WHERE ${clause}`, select: `${sql.select} WHERE ${clause} ORDER BY ${sql.orderBy}` }, params, paging, map);
}

/**
 * A list query's `sort` (issue 20 item 3): one of the list's whitelisted keys, ascending or `-key`
 * descending (ORDER BY in the query); an unknown one is a 400 on `sort`.
 */
export function SortQuery(keys: readonly string[]): PropertyDecorator {
  return OptionalIn('排序', sortValues(keys), '排序列无效');
}

/** A list query's optional `region` filter: a six-digit region code. */
export function RegionQuery(): PropertyDecorator {
  return applyDecorators(FieldLabel('地区代码'), IsOptional(), Matches(/^\d{6}$/, { message: '地区代码应为6位数字' }));
}

/** An optional field that must be one of `values`; `message` is the field's error when it is not. */
export function OptionalIn(label: string, values: readonly unknown[], message: string): PropertyDecorator {
  return applyDecorators(FieldLabel(label), IsOptional(), IsIn(values as unknown[], { message }));
}

/** A query string's `true` / `false` as a boolean; anything else is left for `@IsBoolean()` to refuse. */
function queryBoolean({ value }: { value: unknown }): unknown {
  return value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;
}

/** An optional yes/no filter of a list query (`?mine=true`), labelled for its validation message. */
export function BoolQuery(label: string): PropertyDecorator {
  return applyDecorators(FieldLabel(label), IsOptional(), Transform(queryBoolean), IsBoolean());
}
