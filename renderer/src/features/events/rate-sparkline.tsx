import type { ReactNode } from 'react';

/** Events per second over the last minute as a small inline SVG line, with the latest rate and the peak in words. */
export function RateSparkline({ rate, width = 120, height = 24 }: { rate: readonly number[]; width?: number; height?: number }): ReactNode {
  const peak = Math.max(1, ...rate);
  const step = rate.length > 1 ? width / (rate.length - 1) : width;
  const points = rate.map((value, i) => `${(i * step).toFixed(1)},${(height - 1 - (value / peak) * (height - 2)).toFixed(1)}`).join(' ');
  const latest = rate[rate.length - 1] ?? 0;
  const label = `${latest} events per second now, peak ${Math.max(0, ...rate)} in the last minute`;
  return (
    <span className="orgdesk-events__rate" title={label}>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        <polyline points={`0,${height} ${points} ${width},${height}`} className="orgdesk-events__rate-area" />
        <polyline points={points} className="orgdesk-events__rate-line" />
      </svg>
      <span className="slds-text-body_small">{latest}/s</span>
    </span>
  );
}
