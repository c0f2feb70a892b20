import { type Attributes, BarChart, Svg } from 'chartist';
import 'chartist/dist/index.css';

// Chartist, loaded only by the page that draws a chart (its own chunk with its CSS).
//
// The console's CSP is `style-src 'self'` without 'unsafe-inline', which also forbids
// style *attributes*. Chartist 1.5 writes two through setAttribute('style', ...): the
// chart's <svg> (width and height, which the attributes already say) and each axis
// label's <foreignObject> (overflow: visible); the browser refuses both and reports a
// CSP violation for each. Styles set through the CSSOM (element.style) are not inline
// markup and CSP allows them, so Svg#attr is wrapped once to send `style` that way.
const setAttributes = Svg.prototype.attr as (this: Svg, attributes: unknown, ns?: string) => unknown;
Svg.prototype.attr = function attr(this: Svg, attributes: unknown, ns?: string) {
  if (attributes && typeof attributes === 'object' && 'style' in attributes) {
    const { style, ...rest } = attributes as Attributes;
    if (style != null) (this.getNode() as SVGElement | HTMLElement).style.cssText = String(style);
    return setAttributes.call(this, rest, ns);
  }
  return setAttributes.call(this, attributes, ns);
} as Svg['attr'];

export interface Bars {
  detach(): void;
}

/** Horizontal bars, one per label, in the order given (the first on top). */
export function drawBars(container: HTMLElement, labels: string[], values: number[]): Bars {
  const chart = new BarChart(
    container,
    { labels, series: [values] },
    {
      horizontalBars: true,
      reverseData: true,
      height: `${Math.max(160, labels.length * 36 + 40)}px`,
      axisY: { offset: 190 },
      axisX: { onlyInteger: true },
      chartPadding: { top: 10, right: 30, bottom: 0, left: 10 },
    },
  );
  return { detach: () => chart.detach() };
}
