// Type-only mirror of the registered option types, so option builders stay pure (no ECharts
// runtime import) and their specs run under plain jest.
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption, MapSeriesOption, PieSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';

type Common = GridComponentOption | LegendComponentOption | TooltipComponentOption | TitleComponentOption;

export type BarChartOption = ComposeOption<BarSeriesOption | Common>;
/** Bars with scatter markers on them (a bullet chart). */
export type BulletChartOption = ComposeOption<BarSeriesOption | ScatterSeriesOption | Common>;
export type LineChartOption = ComposeOption<LineSeriesOption | Common>;
export type PieChartOption = ComposeOption<PieSeriesOption | Common>;
export type MapChartOption = ComposeOption<MapSeriesOption | VisualMapComponentOption | Common>;
