// A small SVG bar chart of the results' panels (no plotting dependency): one row per bar, min–max as a whisker.
import type { Bar, Panel } from './report.js';

const WIDTH = 900;
const LABEL = 340;
const BAR_H = 18;
const GAP = 6;
const PANEL_GAP = 34;
const COLORS: Record<Bar['group'], string> = { probekit: '#2f6fdf', peer: '#9a9a9a', baseline: '#4b4b4b' };

/** Renders panels stacked vertically into one SVG document. */
export function renderChart(panels: readonly Panel[]): string {
  const parts: string[] = [];
  let y = 10;
  for (const panel of panels) {
    const height = panelHeight(panel);
    parts.push(renderPanel(panel, y));
    y += height + PANEL_GAP;
  }
  const legend = (['probekit', 'peer', 'baseline'] as const)
    .map((group, i) => {
      const x = LABEL + i * 110;
      return `<rect x="${x}" y="${y - 18}" width="12" height="12" fill="${COLORS[group]}"/><text x="${x + 18}" y="${y - 8}">${group}</text>`;
    })
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    legend,
    '</svg>',
    '',
  ].join('\n');
}

function panelHeight(panel: Panel): number {
  return 24 + panel.bars.length * (BAR_H + GAP) + 16;
}

function renderPanel(panel: Panel, top: number): string {
  const plotWidth = WIDTH - LABEL - 90;
  const finite = panel.bars.filter((bar) => Number.isFinite(bar.value));
  const highest = Math.max(panel.reference ?? 0, ...finite.map((bar) => bar.max ?? bar.value), 1e-9);
  const scale = (value: number) => (value / highest) * plotWidth;
  const out = [
    `<text x="10" y="${top + 14}" font-weight="bold" font-size="14">${xmlText(panel.title)}</text>`,
  ];
  panel.bars.forEach((bar, i) => {
    const y = top + 24 + i * (BAR_H + GAP);
    out.push(`<text x="${LABEL - 8}" y="${y + 13}" text-anchor="end">${xmlText(bar.label)}</text>`);
    if (!Number.isFinite(bar.value)) {
      out.push(`<text x="${LABEL + 4}" y="${y + 13}" fill="#888">n/a</text>`);
      return;
    }
    const w = Math.max(1, scale(bar.value));
    out.push(
      `<rect x="${LABEL}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${COLORS[bar.group]}"/>`,
    );
    if (bar.min !== undefined && bar.max !== undefined && bar.max > bar.min) {
      const x1 = LABEL + scale(bar.min);
      const x2 = LABEL + scale(bar.max);
      const mid = y + BAR_H / 2;
      out.push(
        `<path d="M${x1.toFixed(1)} ${mid}H${x2.toFixed(1)}M${x1.toFixed(1)} ${mid - 4}V${mid + 4}M${x2.toFixed(1)} ${mid - 4}V${mid + 4}" stroke="#000" stroke-width="1"/>`,
      );
    }
    const text =
      bar.value >= 100 ? bar.value.toFixed(0) : bar.value >= 10 ? bar.value.toFixed(1) : bar.value.toFixed(2);
    const right = LABEL + Math.max(w, bar.max !== undefined ? scale(bar.max) : 0) + 6;
    out.push(`<text x="${right.toFixed(1)}" y="${y + 13}">${text}${xmlText(panel.unit)}</text>`);
  });
  if (panel.reference !== undefined) {
    const x = LABEL + scale(panel.reference);
    const bottom = top + 24 + panel.bars.length * (BAR_H + GAP);
    out.push(
      `<line x1="${x.toFixed(1)}" y1="${top + 20}" x2="${x.toFixed(1)}" y2="${bottom}" stroke="#d33" stroke-dasharray="4 3"/>`,
    );
  }
  return out.join('\n');
}

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
