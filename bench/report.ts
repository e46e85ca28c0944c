import fs from 'node:fs';
import path from 'node:path';

export interface Row { name: string; gatehouse: string; reference: string; ratio?: number; target?: string }

/** The table on stdout. */
export function table(rows: Row[]): string {
  const widths = [40, 24, 24, 6, 16];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' ').trimEnd();
  return [
    line(['measure', 'gatehouse', 'reference', 'ratio', 'target']),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line([r.name, r.gatehouse, r.reference, r.ratio === undefined ? '' : r.ratio.toFixed(2), r.target ?? ''])),
  ].join('\n');
}

/** JSON with every figure, and an SVG bar chart of the ratios, in bench/results/. */
export function writeResults(dir: string, results: object, rows: Row[]): { json: string; svg: string } {
  fs.mkdirSync(dir, { recursive: true });
  const json = path.join(dir, 'latest.json');
  const svg = path.join(dir, 'latest.svg');
  fs.writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(svg, chart(rows.filter((r) => r.ratio !== undefined)));
  return { json, svg };
}

function chart(rows: Row[]): string {
  const barHeight = 26;
  const left = 270;
  const scale = 300; // pixels for a ratio of 1.0
  const height = rows.length * barHeight + 40;
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const bars = rows.map((r, i) => {
    const y = 20 + i * barHeight;
    const width = Math.max(1, Math.min(r.ratio!, 2) * scale);
    return `<text x="${left - 8}" y="${y + 16}" text-anchor="end">${escape(r.name)}</text>`
      + `<rect x="${left}" y="${y + 3}" width="${width.toFixed(1)}" height="${barHeight - 8}" fill="${r.ratio! >= 1 ? '#1f883d' : '#1f6feb'}"/>`
      + `<text x="${left + width + 6}" y="${y + 16}">${r.ratio!.toFixed(2)}×</text>`;
  }).join('\n  ');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + 2 * scale + 60}" height="${height}" font-family="system-ui, sans-serif" font-size="13">
  <line x1="${left + scale}" y1="10" x2="${left + scale}" y2="${height - 10}" stroke="#999" stroke-dasharray="4 3"/>
  ${bars}
</svg>
`;
}
