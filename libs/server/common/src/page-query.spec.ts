import { listWhere, queryWherePage, type SqlRunner } from './page-query';

describe('listWhere', () => {
  it('puts the scope first, numbering its values before the filters given one', () => {
    const { where, params } = listWhere((p) => `e.region_path <@ $${p.push('42.4201')}::ltree`, { 'v.status': 'open', 'v.type': undefined, 'v.enterprise_id': '', 'v.year': 2026 });
    expect(where).toEqual(['e.region_path <@ $1::ltree', 'v.status = $2', 'v.year = $3']);
    expect(params).toEqual(['42.4201', 'open', 2026]);
  });

  it('takes a fixed first condition, and the caller may push more after it', () => {
    const { where, params } = listWhere('true', { 'a.action': 'auth.login' });
    where.push(`a.at >= $${params.push('2026-01-01')}`);
    expect(where).toEqual(['true', 'a.action = $1', 'a.at >= $2']);
    expect(params).toEqual(['auth.login', '2026-01-01']);
  });
});

describe('queryWherePage', () => {
  it('counts and pages the same conditions, joined with AND, in the order asked for', async () => {
    const sent: string[] = [];
    const db: SqlRunner = {
      query: async (sql: string) => {
        sent.push(sql);
        return sql.startsWith('SELECT count') ? [{ total: 7 }] : [{ id: 'a' }, { id: 'b' }];
      },
    };
    const page = await queryWherePage(db, { count: 'FROM violation v', select: 'SELECT v.id FROM violation v', orderBy: 'v.id' }, ['x = $1', 'y = $2'], [1, 2], { page: 2, pageSize: 2 }, (r: { id: string }) => r.id);
    expect(sent).toEqual(['SELECT count(*)::int AS total FROM violation v WHERE x = $1 AND y = $2', 'SELECT v.id FROM violation v WHERE x = $1 AND y = $2 ORDER BY v.id LIMIT 2 OFFSET 2']);
    expect(page).toEqual({ items: ['a', 'b'], total: 7, page: 2, pageSize: 2 });
  });
});
