import { useEffect, useRef, type ReactNode } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ProgressSample } from './use-load-run';

/** The SLDS colours the chart draws with, read from the theme so light and dark both fit. */
function palette(element: Element): { processed: string; failed: string; axis: string; grid: string } {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return {
    processed: read('--orgdesk-brand', '#0176d3'),
    failed: read('--orgdesk-error', '#ea001e'),
    axis: read('--orgdesk-text-weak', '#5c5c5c'),
    grid: read('--orgdesk-border', '#dddbda'),
  };
}

function optionsFor(width: number, colors: ReturnType<typeof palette>): uPlot.Options {
  const axis = { stroke: colors.axis, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid, width: 1 }, font: '11px "Salesforce Sans", Arial, sans-serif' };
  return {
    width,
    height: 160,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false } },
    series: [
      { label: 'Seconds' },
      { label: 'Processed', stroke: colors.processed, fill: `${colors.processed}22`, width: 2, points: { show: false } },
      { label: 'Failed', stroke: colors.failed, width: 2, points: { show: false } },
    ],
    axes: [
      { ...axis, values: (_chart, ticks) => ticks.map((tick) => `${Number.isInteger(tick) ? tick : tick.toFixed(1)} s`) },
      { ...axis, size: 60, values: (_chart, ticks) => ticks.map((tick) => (tick >= 1000 ? `${Math.round(tick / 1000)}k` : String(Math.round(tick)))) },
    ],
  };
}

const dataOf = (samples: ProgressSample[]): uPlot.AlignedData => [
  samples.map((sample) => sample.seconds),
  samples.map((sample) => sample.processed),
  samples.map((sample) => sample.failed),
];

/** A small live chart of rows processed (and failed) over the load's time, drawn with uPlot in the theme's colours. */
export function ProgressChart({ samples }: { samples: ProgressSample[] }): ReactNode {
  const holder = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(samples);
  latest.current = samples;

  useEffect(() => {
    const element = holder.current;
    if (element === null) return;
    let live = true;
    let stop = (): void => undefined;
    // uPlot is loaded when a chart is first shown: it reads the window (matchMedia) as it loads, and stays out of the first bundle.
    void import('uplot').then(({ default: UPlot }) => {
      if (!live) return;
      const build = (): void => {
        chart.current?.destroy();
        chart.current = new UPlot(optionsFor(Math.max(240, element.clientWidth), palette(element)), dataOf(latest.current), element);
      };
      build();
      // The colours are drawn into a canvas: rebuild when the OS switches between light and dark, resize with the card.
      const scheme = window.matchMedia('(prefers-color-scheme: dark)');
      scheme.addEventListener('change', build);
      const resize = new ResizeObserver(() => chart.current?.setSize({ width: Math.max(240, element.clientWidth), height: 160 }));
      resize.observe(element);
      stop = () => {
        scheme.removeEventListener('change', build);
        resize.disconnect();
      };
    });
    return () => {
      live = false;
      stop();
      chart.current?.destroy();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setData(dataOf(samples));
  }, [samples]);

  return (
    <figure className="orgdesk-load-chart">
      <div ref={holder} role="img" aria-label="Rows processed over time" />
      <figcaption className="orgdesk-load-chart__legend slds-text-body_small">
        <span className="orgdesk-load-chart__swatch orgdesk-load-chart__swatch_processed" aria-hidden="true" /> Processed
        <span className="orgdesk-load-chart__swatch orgdesk-load-chart__swatch_failed" aria-hidden="true" /> Failed
      </figcaption>
    </figure>
  );
}
