export { default as YearPicker } from './components/year-picker.vue';
export { default as StatusTag } from './components/status-tag.vue';
export type { StatusTagOption, StatusTagType } from './components/status-tag.types';
export { formatDateTime, formatNumber } from './utils/format';
export { clampYear, FIRST_YEAR } from './utils/years';
