// What a section hands back: markdown, its targets with ✔/✘, and bars for the chart.

/** One target of the issues, next to the figure measured for it. */
export interface TargetRow {
  /** Stable across runs and node versions: README and ANALYSIS.md markers name it. */
  readonly id: string;
  /** The issue that set it (11: the per-pod footprint); earlier targets have none. */
  readonly issue?: number;
  readonly goal: string;
  readonly figure: string;
  /** `undefined`: not measured in this run (a candidate not built, a tool missing). */
  readonly met: boolean | undefined;
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly min?: number;
  readonly max?: number;
  readonly group: 'probekit' | 'peer' | 'baseline';
}

/** One panel of the chart: horizontal bars, with an optional reference line (the baseline at 1.0). */
export interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly bars: readonly Bar[];
  readonly reference?: number;
}

export interface SectionResult {
  readonly title: string;
  /** Markdown: tables and short notes, without the section heading. */
  readonly body: string;
  readonly targets: readonly TargetRow[];
  readonly panels?: readonly Panel[];
  /** Figures other than targets that ANALYSIS.md quotes through its markers, by id. */
  readonly figures?: Readonly<Record<string, string>>;
}

/** A markdown table; cells must not contain `|`. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function mark(met: boolean | undefined): string {
  if (met === undefined) return '–';
  return met ? '✔' : '✘';
}

/** A figure that could not be measured, with the reason in words (`n/a (not built)`). */
export function unavailable(reason: string): string {
  return `n/a (${reason})`;
}
