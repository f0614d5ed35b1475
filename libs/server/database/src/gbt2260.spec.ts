import { loadGbt2260Regions } from './gbt2260';

describe('GB/T 2260 regions', () => {
  const rows = loadGbt2260Regions();
  const hubeiCities = rows.filter((r) => r.parentCode === '420000');

  it('gives Hubei its 17 市州, with the 省直管 units directly under the province', () => {
    expect(hubeiCities).toHaveLength(17);
    expect(hubeiCities.map((r) => r.code)).toEqual(expect.arrayContaining(['420100', '422800', '429004', '429005', '429006', '429021']));
    expect(rows.find((r) => r.code === '429004')).toMatchObject({ name: '仙桃市', level: 2, path: '/420000/429004/' });
  });

  it('puts counties under their 市州 with a materialised path', () => {
    expect(rows.find((r) => r.code === '420102')).toMatchObject({ level: 3, parentCode: '420100', path: '/420000/420100/420102/' });
  });

  it('has unique codes and a parent for everything below a province', () => {
    const codes = new Set(rows.map((r) => r.code));
    expect(codes.size).toBe(rows.length);
    for (const r of rows) if (r.level > 1) expect(codes.has(r.parentCode!)).toBe(true);
  });
});
