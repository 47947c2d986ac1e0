/**
 * `npm run soak`: the long soak (3,000 messages over about three minutes, at
 * least 3 server kills). `npm run soak -- --quick` runs the short one.
 */
import { formatReport, runSoak } from './soak';

const quick = process.argv.includes('--quick');

runSoak({
  messages: quick ? 300 : 3000,
  durationMs: quick ? 40_000 : 180_000,
  kills: quick ? 1 : 3,
  seed: Number(process.env.SOAK_SEED ?? 1),
  log: (line) => console.log(line),
})
  .then((report) => {
    console.log(`\n${formatReport(report)}`);
    const clean =
      report.missing +
        report.doubled +
        report.outOfOrder +
        report.pending +
        report.failed +
        report.notExactlyOnce ===
      0;
    process.exit(clean && report.medianRecoveryMs <= 5000 ? 0 : 1);
  })
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
