export { default as BaseChart } from './base-chart.vue';
export type { ChartOption } from './echarts';
export { registerGeoJson } from './echarts';
export type { BarChartOption, BulletChartOption, LineChartOption, MapChartOption, PieChartOption } from './options/option-types';
export { buildTargetBulletOption } from './options/target-bullet';
export type { TargetBulletLabels } from './options/target-bullet';
export { ASSESSMENT_PART_KEYS, buildRankingMapOption, buildRankingOption, rankingOrder } from './options/ranking-bar';
export type { RankingLabels, RankingOptions } from './options/ranking-bar';
export { buildTrendOption } from './options/trend-line';
export type { TrendKey, TrendLabels } from './options/trend-line';
export {
  buildEligibilityOption,
  buildFilingProgressOption,
  buildSizeClassOption,
  buildTrainingOption,
  ELIGIBILITY_SEGMENTS,
  FILING_SEGMENTS,
  SIZE_CLASSES,
  SIZE_SEGMENTS,
  TRAINING_SEGMENTS,
} from './options/children-stack';
export type { EligibilitySegment, FilingSegment, SizeClass, SizeSegment, StackRate, StackSegment, TrainingSegment } from './options/children-stack';
export { buildViolationsOption, violationTypesShown } from './options/violations-bar';
export type { ViolationsLabels } from './options/violations-bar';
export { buildDistributionOption } from './options/distribution-pie';
export type { DistributionLabels } from './options/distribution-pie';
export { buildGradeDistributionOption } from './options/grade-distribution';
export type { GradeDistributionLabels } from './options/grade-distribution';
