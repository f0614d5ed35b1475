// ECharts is registered here once, with only what the dashboard draws; import charts through
// this module (or BaseChart) so the bundle never pulls in the full `echarts` build.
import { registerMap, use } from 'echarts/core';
import type { ComposeOption } from 'echarts/core';
import { BarChart, LineChart, MapChart, PieChart, ScatterChart } from 'echarts/charts';
import type { BarSeriesOption, LineSeriesOption, MapSeriesOption, PieSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import type {
  GridComponentOption,
  LegendComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([
  BarChart,
  LineChart,
  PieChart,
  // The target and projection markers of the bullet chart.
  ScatterChart,
  // The ranking on the province map, drawn only when a GeoJSON is configured.
  MapChart,
  VisualMapComponent,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  TitleComponent,
  CanvasRenderer,
]);

/** Option type limited to the registered charts and components. */
export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | ScatterSeriesOption
  | MapSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | TitleComponentOption
  | VisualMapComponentOption
>;

/** Makes a GeoJSON usable as `series.map: name` (idempotent: registering again replaces it). */
export function registerGeoJson(name: string, geoJson: object): void {
  registerMap(name, geoJson as Parameters<typeof registerMap>[1]);
}
