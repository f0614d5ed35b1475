import { inRegion, inRegionNamed, inRegionOfCode, inRegionSql, regionSubtreePattern, regionsInSubtreeSql } from './region-filter';

describe('region filter: this region and below (issue 19)', () => {
  it('escapes LIKE wildcards and ends with the separator, so 420100 never matches 4201001', () => {
    expect(regionSubtreePattern('/420000/420100/')).toBe('/420000/420100/%');
    expect(regionSubtreePattern('/420000/420100')).toBe('/420000/420100/%');
    expect(regionSubtreePattern('/a_b%c\\/')).toBe('/a\\_b\\%c\\\\/%');
  });

  it('pushes its pattern onto positional parameters', () => {
    const params: unknown[] = ['x'];
    expect(inRegion('e', '/420000/', params)).toBe('e.region_path LIKE $2');
    expect(params).toEqual(['x', '/420000/%']);
    expect(inRegion('', '/420000/', params)).toBe('region_path LIKE $3');
  });

  it('names its parameter for query builders, and takes a bound pattern or a code as is', () => {
    expect(inRegionNamed('c', '/420000/420100/', 'scopePath')).toEqual({ sql: 'c.region_path LIKE :scopePath', params: { scopePath: '/420000/420100/%' } });
    expect(inRegionSql('o', `g.path || '%'`)).toBe(`o.region_path LIKE g.path || '%'`);
    expect(inRegionOfCode('v', '$2')).toBe(`v.region_path LIKE (SELECT r.path || '%' FROM region r WHERE r.code = $2)`);
  });

  it('limits the region table itself by its own path column, with or without an alias', () => {
    expect(regionsInSubtreeSql('g', '$1')).toBe('g.path LIKE $1');
    expect(regionsInSubtreeSql('', '$3')).toBe('path LIKE $3');
  });
});
