// Start-up price of one dependency: `node import-cost.mjs <specifier>` imports it into a fresh process and prints
// {"ms":…, "rssMiB":…} (time to import, RSS growth). Plain JavaScript, so no loader adds to either.
const specifier = process.argv[2];
const rss = process.memoryUsage().rss;
const start = performance.now();
await import(specifier);
const ms = performance.now() - start;
process.stdout.write(`${JSON.stringify({ ms, rssMiB: (process.memoryUsage().rss - rss) / 2 ** 20 })}\n`);
