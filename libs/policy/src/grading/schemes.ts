// Capability-evaluation scoring schemes (SPEC §6) as pure data.
// zhejiang: seed 000 附录B 表B.1; hunan: seed 001 附录A 表A.1 and 附录B 表B.1/B.2.
// The indicator tables are the JSON files beside this one, row for row as the standards print them.

import hunanTable from './hunan-001-A1.json';
import zhejiangTable from './zhejiang-000-B1.json';

export interface Indicator {
  /** Clause id, e.g. '6.1.1.1', '6.5.1.2a', '8.4.1'. */
  id: string;
  title: string;
  max: number;
  /** Source clause, e.g. '000 附录B 6.1.1.1'. */
  clause: string;
}

export interface Dimension {
  /** First-level indicator id, e.g. '6.1' or '8.1'. */
  id: string;
  title: string;
  max: number;
  /** Grade minimum for this dimension from the bands, null if none. */
  min: number | null;
  indicators: Indicator[];
}

export type Grade = 'AAA' | 'AAAA' | 'AAAAA';

export interface GradeBand {
  grade: Grade;
  minTotal: number;
  /** Exclusive upper bound; null for the top band. */
  maxTotal: number | null;
}

export type SchemeName = 'zhejiang' | 'hunan';

export interface ScoringScheme {
  name: SchemeName;
  title: string;
  clause: string;
  total: 1000;
  dimensions: Dimension[];
  passTotal: number;
  bands: GradeBand[];
}

/** Grades from lowest to highest. */
export const GRADES: readonly Grade[] = ['AAA', 'AAAA', 'AAAAA'];

// 001 附录B 表B.2: AAA ≥300 且 <600, AAAA ≥600 且 <800, AAAAA ≥800.
const HUNAN_BANDS: GradeBand[] = [
  { grade: 'AAA', minTotal: 300, maxTotal: 600 },
  { grade: 'AAAA', minTotal: 600, maxTotal: 800 },
  { grade: 'AAAAA', minTotal: 800, maxTotal: null },
];

type Row = [id: string, title: string, max: number];

/** A scheme's table as it is stored: the standard's rows, one JSON file a table. */
interface SchemeTable {
  source: string;
  dimensions: { id: string; title: string; max: number; min: number | null; indicators: Row[] }[];
}

/** Each leaf cites `${prefix} ${id}`, e.g. '000 附录B 6.1.1.1'. */
function dimensionsOf(table: SchemeTable, prefix: string): Dimension[] {
  return table.dimensions.map(({ id, title, max, min, indicators }) => ({
    id,
    title,
    max,
    min,
    indicators: indicators.map(([leaf, name, points]) => ({ id: leaf, title: name, max: points, clause: `${prefix} ${leaf}` })),
  }));
}

// JSON rows widen to (string | number)[]; the spec checks every row's shape and sums.
const ZHEJIANG_TABLE = zhejiangTable as unknown as SchemeTable;
const HUNAN_TABLE = hunanTable as unknown as SchemeTable;

const ZHEJIANG: ScoringScheme = {
  name: 'zhejiang',
  title: '浙江省首席质量官评价指标及分值',
  clause: ZHEJIANG_TABLE.source,
  total: 1000,
  passTotal: 300,
  // 000 7.4.4 refers grade bands to 附录D, which is not in the seed; per SPEC §6 they default to
  // the hunan bands (001 附录B 表B.2) and are settings.
  bands: HUNAN_BANDS.map((b) => ({ ...b })),
  dimensions: dimensionsOf(ZHEJIANG_TABLE, '000 附录B'),
};

const HUNAN: ScoringScheme = {
  name: 'hunan',
  title: '湖南省首席质量官认定指标及分值',
  clause: HUNAN_TABLE.source,
  total: 1000,
  passTotal: 300, // 001 附录B B.1: 认定分值高于 300分(含)
  bands: HUNAN_BANDS.map((b) => ({ ...b })),
  dimensions: dimensionsOf(HUNAN_TABLE, '001 附录A'),
};

export const SCORING_SCHEMES: Record<SchemeName, ScoringScheme> = {
  zhejiang: ZHEJIANG,
  hunan: HUNAN,
};
