/**
 * Draws a report chart as a PNG on the server: Vega-Lite compiles the spec, Vega renders it to SVG headless
 * (no canvas, no browser) and resvg rasterises the SVG (Slack shows PNGs inline, not SVGs).
 */
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { personLabels, reportChartSpec, type ReportChart } from './report-chart.js';

export async function renderReportChart(chart: ReportChart, names: ReadonlyMap<string, string>): Promise<Buffer> {
  const labels = personLabels(
    chart.perPerson.map((p) => p.userId),
    names,
  );
  const spec = reportChartSpec(chart, (userId) => labels.get(userId) ?? userId);
  const view = new View(parse(compile(spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    // Twice the size: crisp on high-density screens, still a few tens of kB.
    return new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
      .render()
      .asPng();
  } finally {
    view.finalize();
  }
}
