export { default as BaseChart } from './base-chart.vue';
export type { ChartOption } from './echarts';
export { buildChildrenBarOption, CHILDREN_BAR_STACK, ROTATE_LABELS_ABOVE } from './options/children-bar';
export type { ChildrenBarLabels } from './options/children-bar';
export type { BarChartOption } from './options/option-types';
