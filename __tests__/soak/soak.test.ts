import { formatReport, runSoak } from '../../soak/soak';

/**
 * The short soak inside `npm test` (the long one is `npm run soak`): real
 * stores, the real server as a child process killed with SIGKILL and
 * restarted, a fault proxy cutting, black-holing and refusing connections,
 * nobody pressing Retry. Every store must end equal to the server.
 */
jest.setTimeout(180_000);

it('keeps every message once, in order, with no holes, through cuts, black holes, refusals and a server crash', async () => {
  const report = await runSoak({ messages: 300, durationMs: 40_000, kills: 1, seed: 7 });
  console.log(formatReport(report));
  expect(report.sent).toBe(300);
  expect(report.faults.map((fault) => fault.kind)).toEqual(
    expect.arrayContaining(['cut', 'blackhole', 'refuse', 'kill']),
  );
  expect(report.sendsOverSocket).toBeGreaterThan(0);
  expect(report.sendsOverRest).toBeGreaterThan(0);
  expect({
    missing: report.missing,
    doubled: report.doubled,
    outOfOrder: report.outOfOrder,
    pending: report.pending,
    failed: report.failed,
    notExactlyOnce: report.notExactlyOnce,
    onServer: report.onServer,
  }).toEqual({
    missing: 0,
    doubled: 0,
    outOfOrder: 0,
    pending: 0,
    failed: 0,
    notExactlyOnce: 0,
    onServer: 300,
  });
  // The goal: the median recovery from a fault's end is at most 5 s.
  expect(report.medianRecoveryMs).toBeLessThanOrEqual(5000);
  expect(report.faults.every((fault) => fault.recoveryMs !== null)).toBe(true);
});
