export { default as BaseChart } from './base-chart.vue';
export type { ChartOption } from './echarts';
export { registerGeoJson } from './echarts';
export type { BarChartOption, BulletChartOption, LineChartOption, MapChartOption, PieChartOption } from './options/option-types';
export { EMPTY_TEXT, needsUprightLabels, ROTATE_LABELS_ABOVE, UPRIGHT_LABELS_BELOW_PX, uprightLabels } from './options/format';
export { buildTargetBulletOption, describeTarget, TARGET_COLORS, targetColor } from './options/target-bullet';
export type { TargetBulletLabels } from './options/target-bullet';
export { ASSESSMENT_PART_KEYS, buildRankingMapOption, buildRankingOption, describeAssessment, rankingOrder } from './options/ranking-bar';
export type { RankingLabels, RankingOptions } from './options/ranking-bar';
export { buildTrendOption, TREND_KEYS } from './options/trend-line';
export type { TrendKey, TrendLabels } from './options/trend-line';
export {
  buildChildrenStackOption,
  buildEligibilityOption,
  buildFilingProgressOption,
  buildSegmentsDonutOption,
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
export { buildDistributionOption, distributionEntries } from './options/distribution-pie';
export type { DistributionLabels } from './options/distribution-pie';
export { buildGradeDistributionOption, GRADE_SEGMENTS } from './options/grade-distribution';
export type { GradeDistributionLabels } from './options/grade-distribution';
