import { useDirection } from "@mantine/core";
import { useId } from "react";

/** One series of the chart: a value per day, drawn as bars or as a line. */
export type ChartSeries = {
  key: string;
  label: string;
  color: string;
  kind: "bar" | "line";
  values: readonly number[];
};

const WIDTH = 900;
const HEIGHT = 300;
/** `start` holds the value axis: on the left in left-to-right, on the right in right-to-left. */
const MARGIN = { top: 16, end: 16, bottom: 44, start: 96 };
const PLOT_W = WIDTH - MARGIN.start - MARGIN.end;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
/** At most this many day labels under the x axis; the rest are skipped evenly. */
const MAX_X_LABELS = 10;

/**
 * A round step for about `count` ticks up to `max` (1, 2 or 5 times a power of ten), so
 * the axis reads in plain numbers.
 */
export function niceStep(max: number, count = 4): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const factor = [1, 2, 5, 10].find((f) => f * power >= raw) ?? 10;
  return factor * power;
}

/**
 * The x of a point laid out from the start edge: itself in left-to-right, mirrored in
 * right-to-left so the oldest day sits at the right and time runs leftwards.
 */
export function mirrorX(x: number, rtl: boolean): number {
  return rtl ? WIDTH - x : x;
}

/**
 * A daily chart drawn as SVG: bars side by side per day for the bar series, lines over
 * them, a labelled value axis (via `formatTick`) and day axis, mirrored in right-to-left.
 * Accessible through its title and description; the numbers themselves are in the tiles
 * and the table beside it.
 */
export function DailyChart({
  title,
  description,
  days,
  series,
  formatValue,
  formatTick = formatValue,
  formatDay,
  xLabel,
  yLabel,
}: {
  title: string;
  description: string;
  /** YYYY-MM-DD per point, oldest first; every series has one value per day. */
  days: readonly string[];
  series: readonly ChartSeries[];
  /** A value in full (with its unit), for each point's tooltip. */
  formatValue: (value: number) => string;
  /** A value on the value axis; the axis title carries the unit. */
  formatTick?: (value: number) => string;
  formatDay: (day: string) => string;
  xLabel: string;
  yLabel: string;
}) {
  const id = useId();
  const { dir } = useDirection();
  const rtl = dir === "rtl";
  const mx = (x: number) => mirrorX(x, rtl);
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const y = (value: number) => MARGIN.top + PLOT_H - (Math.max(0, value) / top) * PLOT_H;
  const slot = days.length > 0 ? PLOT_W / days.length : PLOT_W;
  /** The start edge of day `index`'s slot, counted from the start side. */
  const x = (index: number) => MARGIN.start + index * slot;
  const bars = series.filter((s) => s.kind === "bar");
  const lines = series.filter((s) => s.kind === "line");
  const barWidth = (slot * 0.8) / Math.max(1, bars.length);
  const labelEvery = Math.max(1, Math.ceil(days.length / MAX_X_LABELS));

  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
      data-testid="daily-chart"
      // Text anchors are logical: "end" is the left edge of a label in right-to-left.
      direction={dir}
      style={{ maxWidth: WIDTH, display: "block" }}
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>

      {ticks.map((tick) => (
        <g key={tick}>
          <line
            x1={mx(MARGIN.start)}
            x2={mx(WIDTH - MARGIN.end)}
            y1={y(tick)}
            y2={y(tick)}
            stroke="var(--mantine-color-gray-3)"
            strokeDasharray={tick === 0 ? undefined : "3 3"}
          />
          <text
            x={mx(MARGIN.start - 8)}
            y={y(tick)}
            textAnchor="end"
            dominantBaseline="middle"
            fontSize={11}
            fill="var(--mantine-color-dimmed)"
          >
            {formatTick(tick)}
          </text>
        </g>
      ))}
      <text
        transform={`translate(${mx(14)} ${MARGIN.top + PLOT_H / 2}) rotate(${rtl ? 90 : -90})`}
        textAnchor="middle"
        fontSize={12}
        fill="var(--mantine-color-text)"
      >
        {yLabel}
      </text>

      {days.map((day, i) => (
        <g key={day} data-day={day}>
          {bars.map((s, b) => {
            const value = s.values[i] ?? 0;
            const width = Math.max(1, barWidth - 1);
            const start = x(i) + slot * 0.1 + b * barWidth;
            return (
              <rect
                key={s.key}
                x={rtl ? mx(start + width) : start}
                y={y(value)}
                width={width}
                height={Math.max(0, y(0) - y(value))}
                fill={s.color}
                data-series={s.key}
                data-value={value}
              >
                <title>{`${formatDay(day)} · ${s.label}: ${formatValue(value)}`}</title>
              </rect>
            );
          })}
          {i % labelEvery === 0 ? (
            <text
              x={mx(x(i) + slot / 2)}
              y={MARGIN.top + PLOT_H + 16}
              textAnchor="middle"
              fontSize={11}
              fill="var(--mantine-color-dimmed)"
            >
              {formatDay(day)}
            </text>
          ) : null}
        </g>
      ))}

      {lines.map((s) => (
        <g key={s.key} data-series={s.key}>
          <polyline
            fill="none"
            stroke={s.color}
            strokeWidth={2}
            points={s.values.map((v, i) => `${mx(x(i) + slot / 2)},${y(v)}`).join(" ")}
          />
          {s.values.map((v, i) => (
            <circle key={days[i]} cx={mx(x(i) + slot / 2)} cy={y(v)} r={3} fill={s.color}>
              <title>{`${formatDay(days[i] ?? "")} · ${s.label}: ${formatValue(v)}`}</title>
            </circle>
          ))}
        </g>
      ))}

      <line
        x1={mx(MARGIN.start)}
        x2={mx(MARGIN.start)}
        y1={MARGIN.top}
        y2={MARGIN.top + PLOT_H}
        stroke="var(--mantine-color-gray-5)"
      />
      <text
        x={mx(MARGIN.start + PLOT_W / 2)}
        y={HEIGHT - 6}
        textAnchor="middle"
        fontSize={12}
        fill="var(--mantine-color-text)"
      >
        {xLabel}
      </text>
    </svg>
  );
}
