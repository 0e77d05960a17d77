/** The Chart.js pieces the renderer uses, registered once (the rest is tree-shaken). */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export { Chart };
export type { ChartConfiguration } from 'chart.js';

/** Colours for charts, from the theme's CSS variables on (or above) `element`. */
export function chartTheme(element: Element) {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    line: read('--chart-line', '#3b82f6'),
    padding: read('--chart-muted', '#9ca3af'),
    grid: read('--chart-grid', 'rgba(128,128,128,0.2)'),
    text: read('--text-muted', '#6b7280'),
    font: read('--font-ui', 'system-ui, sans-serif'),
  };
}

export type ChartTheme = ReturnType<typeof chartTheme>;

/** Grid, border and tick colours of an axis in the theme. */
export function axisStyle(theme: ChartTheme) {
  return {
    grid: { color: theme.grid },
    border: { color: theme.grid },
    ticks: { color: theme.text, font: { family: theme.font, size: 11 } },
  };
}

/** An axis or legend caption in the theme. */
export function axisTitle(theme: ChartTheme, text: string) {
  return { display: true, text, color: theme.text, font: { family: theme.font, size: 11 } };
}
