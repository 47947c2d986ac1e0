import { DEFAULT_RATE_LIMITS, optionsFromEnv, resolveConfig } from '../../server/config';

describe('configuration from the environment', () => {
  it('reads every limit as <burst>/<per second> or off, and lists as comma-separated names', () => {
    const options = optionsFromEnv(
      {
        RATE_LIMIT_SOCKET_SENDS_PER_USER: '50/5',
        RATE_LIMIT_REST_WRITES_PER_USER: 'off',
        RATE_LIMIT_LOGIN_FAILURES_PER_USERNAME: ' 3 / 0.5 ',
        MAX_SOCKETS_PER_USER: '8',
        ALLOWED_HOSTS: 'chat.example.com, .corp.example',
        ALLOWED_ORIGINS: '*',
        REFRESH_REUSE_GRACE_SECONDS: '0',
      },
      undefined,
    );
    const config = resolveConfig(options);
    expect(config.rateLimits).toEqual({
      ...DEFAULT_RATE_LIMITS,
      socketSendsPerUser: { burst: 50, perSecond: 5 },
      restWritesPerUser: null,
      loginFailuresPerUsername: { burst: 3, perSecond: 0.5 },
    });
    expect(config.maxSocketsPerUser).toBe(8);
    expect(config.allowedHosts).toEqual(['chat.example.com', '.corp.example']);
    expect(config.allowedOrigins).toBeNull();
    expect(config.refreshReuseGraceSeconds).toBe(0);
  });

  it('switches everything off with RATE_LIMITS=off and MAX_SOCKETS_PER_USER=off', () => {
    const config = resolveConfig(
      optionsFromEnv({ RATE_LIMITS: 'off', MAX_SOCKETS_PER_USER: 'off' }, undefined),
    );
    expect(Object.values(config.rateLimits)).toEqual([null, null, null, null, null]);
    expect(config.maxSocketsPerUser).toBeNull();
  });

  it('applies the documented defaults when nothing is set', () => {
    const config = resolveConfig(optionsFromEnv({}, undefined));
    expect(config.rateLimits).toEqual(DEFAULT_RATE_LIMITS);
    expect(config.maxSocketsPerUser).toBe(30);
    expect(config.refreshReuseGraceSeconds).toBe(10);
    expect(config.allowedHosts).toEqual([]);
    expect(config.allowedOrigins).toEqual([]);
    expect(config.jwtSecret).toBeNull();
    expect(config.db).toBe('./data/unet-chat.sqlite');
  });

  it.each([
    ['RATE_LIMIT_SOCKET_SENDS_PER_USER', 'fast', /RATE_LIMIT_SOCKET_SENDS_PER_USER must be/],
    ['RATE_LIMIT_SOCKET_SENDS_PER_USER', '0/5', /socketSendsPerUser\.burst must be a positive/],
    ['MAX_SOCKETS_PER_USER', 'many', /MAX_SOCKETS_PER_USER must be a number/],
    ['REFRESH_REUSE_GRACE_SECONDS', '-1', /refreshReuseGraceSeconds must be zero or more/],
  ])('refuses %s=%s at start with a clear error', (name, value, message) => {
    expect(() => resolveConfig(optionsFromEnv({ [name]: value }, undefined))).toThrow(message);
  });
});
