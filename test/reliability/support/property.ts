// A property over async checks that say why a case failed: fast-check finds and shrinks, the reason is ours.
import fc from 'fast-check';

/** Runs `check` on `runs` cases of `cases`; on failure, throws fast-check's report with the reason for the shrunk case. */
export async function assertProperty<T>(
  cases: fc.Arbitrary<T>,
  check: (value: T) => Promise<string | undefined>,
  runs: number,
  describe: (value: T) => string,
): Promise<void> {
  const details = await fc.check(
    fc.asyncProperty(cases, async (value) => (await check(value)) === undefined),
    { numRuns: runs },
  );
  if (!details.failed || !details.counterexample) return;
  const [value] = details.counterexample;
  throw new Error(`${fc.defaultReportMessage(details)}\n${describe(value)}\n→ ${await check(value)}`);
}
