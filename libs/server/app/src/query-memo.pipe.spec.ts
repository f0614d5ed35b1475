import type { ArgumentMetadata } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { createValidationPipe } from '@cqo/server-common';
import { QueryMemoPipe } from './query-memo.pipe';

class Query {
  @IsOptional() @Matches(/^\d{6}$/) region?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(2000) @Max(2100) year?: number;
  @IsOptional() @Matches(/^\w+$/, { each: true }) tags?: string[];
}

const meta: ArgumentMetadata = { type: 'query', metatype: Query };

describe('QueryMemoPipe', () => {
  it('validates a query once and hands every caller its own equal DTO', async () => {
    const inner = createValidationPipe();
    const spy = jest.spyOn(inner, 'transform');
    const pipe = new QueryMemoPipe(inner);
    const a = (await pipe.transform({ region: '420100', year: '2026', tags: ['x'] }, meta)) as Query;
    const b = (await pipe.transform({ region: '420100', year: '2026', tags: ['x'] }, meta)) as Query;
    expect(spy).toHaveBeenCalledTimes(1);
    expect(b).toBeInstanceOf(Query);
    expect(b).toEqual({ region: '420100', year: 2026, tags: ['x'] });
    expect(b).not.toBe(a);
    b.tags!.push('changed');
    b.year = 1999;
    expect(await pipe.transform({ region: '420100', year: '2026', tags: ['x'] }, meta)).toEqual({ region: '420100', year: 2026, tags: ['x'] });
  });

  it('refuses a bad query every time with the field-level error', async () => {
    const pipe = new QueryMemoPipe(createValidationPipe());
    for (let i = 0; i < 2; i++) {
      await expect(pipe.transform({ year: '1999' }, meta)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(pipe.transform({ year: '2026', role: 'admin' }, meta)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('passes bodies and single query values straight through', async () => {
    const inner = createValidationPipe();
    const spy = jest.spyOn(inner, 'transform');
    const pipe = new QueryMemoPipe(inner);
    await pipe.transform({ region: '420100' }, { type: 'body', metatype: Query });
    await pipe.transform({ region: '420100' }, { type: 'body', metatype: Query });
    await pipe.transform('2026', { type: 'query', metatype: String, data: 'year' });
    expect(spy).toHaveBeenCalledTimes(3);
  });
});
