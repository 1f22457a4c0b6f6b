/**
 * Inline SVG charts for the annual report: plain markup, no script, no external font or stylesheet, so
 * the report stays one self-contained file that any browser (or mail client that opens attachments)
 * shows the same. Every label is escaped here; callers pass plain text.
 */

export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

/** A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((f) => f * power).find((v) => v >= max) ?? 10 * power;
}

const fmt = (n: number): string => new Intl.NumberFormat('id-ID').format(n);

/** Vertical bars, one group per label, the series stacked; a legend below. */
export function stackedBarChart(input: { title: string; labels: readonly string[]; series: readonly Series[] }): string {
  const width = 640;
  const height = 260;
  const left = 48;
  const top = 16;
  const plotH = 180;
  const plotW = width - left - 12;
  const totals = input.labels.map((_, i) => input.series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = plotW / Math.max(1, input.labels.length);
  const barW = Math.max(4, slot * 0.6);
  const y = (v: number): number => top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  // Whole-numbered grid lines: 5, 4, 2 or 1 steps, whichever divides the (round) maximum.
  const steps = [5, 4, 2, 1].find((n) => Number.isInteger(max / n)) ?? 1;
  for (let i = 0; i <= steps; i++) {
    const v = (max * i) / steps;
    parts.push(`<line x1="${left}" x2="${width - 12}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#d0d7de" stroke-width="1"/>`,
      `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#57606a">${fmt(Math.round(v))}</text>`);
  }
  input.labels.forEach((label, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    let base = 0;
    for (const s of input.series) {
      const v = s.values[i] ?? 0;
      if (v > 0) {
        parts.push(`<rect x="${x.toFixed(1)}" y="${y(base + v).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - y(base + v)).toFixed(1)}" fill="${s.color}"><title>${escapeXml(`${label} · ${s.name}: ${fmt(v)}`)}</title></rect>`);
      }
      base += v;
    }
    parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle" font-size="11" fill="#24292f">${escapeXml(label)}</text>`);
  });
  let lx = left;
  for (const s of input.series) {
    parts.push(`<rect x="${lx}" y="${height - 22}" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${lx + 16}" y="${height - 12}" font-size="12" fill="#24292f">${escapeXml(s.name)}</text>`);
    lx += 32 + s.name.length * 7.5;
  }
  return svg(input.title, width, height, parts);
}

/** One horizontal bar per row; `max` fixes the scale (100 for percentages). */
export function horizontalBarChart(input: { title: string; rows: readonly { label: string; value: number; shown: string }[]; max?: number; color: string }): string {
  const width = 720;
  const rowH = 22;
  const labelW = 320;
  const plotW = width - labelW - 70;
  const height = Math.max(1, input.rows.length) * rowH + 8;
  const max = input.max ?? niceMax(Math.max(0, ...input.rows.map((r) => r.value)));
  const parts: string[] = [];
  input.rows.forEach((r, i) => {
    const yTop = 4 + i * rowH;
    const w = max > 0 ? Math.max(0, Math.min(1, r.value / max)) * plotW : 0;
    // ~6.5 px a character at 12 px: 44 characters fit the label column; the full name is in the tooltip and the table.
    const label = r.label.length > 44 ? `${r.label.slice(0, 43)}…` : r.label;
    parts.push(`<text x="${labelW - 8}" y="${yTop + 15}" text-anchor="end" font-size="12" fill="#24292f">${escapeXml(label)}</text>`,
      `<rect x="${labelW}" y="${yTop + 3}" width="${plotW}" height="${rowH - 8}" fill="#eaeef2"/>`,
      `<rect x="${labelW}" y="${yTop + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${input.color}"><title>${escapeXml(`${r.label}: ${r.shown}`)}</title></rect>`,
      `<text x="${labelW + plotW + 6}" y="${yTop + 15}" font-size="12" fill="#24292f">${escapeXml(r.shown)}</text>`);
  });
  return svg(input.title, width, height, parts);
}

function svg(title: string, width: number, height: number, parts: readonly string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeXml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif"><title>${escapeXml(title)}</title>${parts.join('')}</svg>`;
}
