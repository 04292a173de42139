// Issue 11: the cost of a /metrics scrape of the sidecar with 10, 100 and 1,000 checks, per scrape and per check.
import { type Environment, sidecarServer } from '../candidates.js';
import { get } from '../lib/http.js';
import { isRunning, launch } from '../lib/launch.js';
import { cpuTimes, sleep } from '../lib/proc.js';
import { type SectionResult, table, unavailable } from '../lib/report.js';
import type { Settings } from '../lib/settings.js';
import { fmt, percentile } from '../lib/stats.js';

/** Long enough that check runs hardly add to the CPU measured; what they add is subtracted anyway. */
const PERIOD_SECONDS = 60;

export async function metricsCost(settings: Settings, env: Environment): Promise<SectionResult> {
  const rows: string[][] = [];
  const figures: Record<string, string> = {}; // `scrape-<n>`, quoted by ANALYSIS.md
  for (const n of settings.metricsCounts) {
    const candidate = sidecarServer(n, PERIOD_SECONDS);
    // /readyz 200: every check has run once, so every series exists.
    const running = await launch(candidate, env, [{ path: '/readyz' }]);
    if (!isRunning(running)) {
      rows.push([fmt(n), unavailable(running.reason), '', '', '', '']);
      continue;
    }
    try {
      const url = running.url('/metrics');
      const pid = running.process.pid;
      // The sidecar's own CPU with nobody scraping, over as long as the scrapes will take, is subtracted.
      const scrape = async () => {
        const answer = await get(url, { keepAlive: true, timeoutMs: 10_000 });
        if (answer.status !== 200) throw new Error(`/metrics answered ${answer.status}`);
        return answer;
      };
      for (let i = 0; i < 5; i++) await scrape(); // warm-up
      const idle0 = cpuTimes(pid).self;
      const idleStart = performance.now();
      await sleep(1000);
      const idleRate = (cpuTimes(pid).self - idle0) / (performance.now() - idleStart);
      const latencies: number[] = [];
      let bytes = 0;
      const cpu0 = cpuTimes(pid).self;
      const wall0 = performance.now();
      for (let i = 0; i < settings.scrapes; i++) {
        const answer = await scrape();
        latencies.push(answer.ms);
        bytes = Buffer.byteLength(answer.body);
      }
      const wall = performance.now() - wall0;
      const perScrapeMs = (cpuTimes(pid).self - cpu0 - idleRate * wall) / settings.scrapes;
      console.log(`  ${n} checks: ${perScrapeMs.toFixed(2)} ms CPU per scrape, ${fmt(bytes)} bytes`);
      figures[`scrape-${n}`] =
        `${fmt(perScrapeMs, 2)} ms per scrape, ${fmt((perScrapeMs * 1000) / n, 1)} µs per check`;
      rows.push([
        fmt(n),
        fmt(perScrapeMs, 2),
        fmt((perScrapeMs * 1000) / n, 1),
        `${fmt(percentile(latencies, 50), 2)} / ${fmt(percentile(latencies, 99), 2)}`,
        fmt(bytes),
        fmt(bytes / n),
      ]);
    } catch (error) {
      console.error(`  ${n} checks failed: ${(error as Error).message}`);
      rows.push([fmt(n), unavailable('failed'), '', '', '', '']);
    } finally {
      await running.process.kill();
    }
  }
  const body = [
    `The sidecar with n checks (the reference mix, \`periodSeconds: ${PERIOD_SECONDS}\`), once every check has run; ` +
      `${settings.scrapes} scrapes of \`/metrics\` one after the other over keep-alive from the other core. CPU is the ` +
      "sidecar's (user + system, from /proc) during the scrapes, less its idle CPU over the same time; latency is the " +
      'scraper’s. A Prometheus scrape every 15–60 s costs this once per interval.',
    '',
    table(
      ['checks', 'CPU ms per scrape', 'CPU µs per check', 'latency ms p50 / p99', 'bytes', 'bytes per check'],
      rows,
    ),
  ].join('\n');
  return { title: '`/metrics` scrape cost', body, targets: [], figures };
}
