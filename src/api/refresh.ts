/**
 * Shares one token refresh between every caller that needs it at the same
 * time: ten requests that meet a 401 together cause one refresh, and a
 * socket closed with 4401 joins the same one.
 */
export interface TokenRefresher {
  /** Resolves true when a fresh token is available from the token getter. */
  refresh(): Promise<boolean>;
}

/**
 * @param refreshAccessToken the host's refresh (the seed's `refreshUser()`);
 *   it fails by rejecting or by resolving `false`/`null`.
 * @param onExpired called once for every refresh that failed, e.g. to dispatch `authExpired`.
 */
export function createTokenRefresher(
  refreshAccessToken: (() => Promise<unknown>) | undefined,
  onExpired: () => void,
): TokenRefresher {
  let inFlight: Promise<boolean> | null = null;

  async function run(): Promise<boolean> {
    const ok = await Promise.resolve()
      .then(() => (refreshAccessToken ? refreshAccessToken() : false))
      .then(
        (result) => result !== false && result !== null,
        () => false,
      );
    if (!ok) onExpired();
    return ok;
  }

  return {
    refresh() {
      inFlight ??= run().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}
