import { assessRisk, networkOf, userAgentFamily, type RiskFacts } from '../../src/risk/risk-engine.ts';

const SETTINGS = { weights: {}, mfaAt: 50, denyAt: 90 };
const HOME = { deviceId: 'device-1', network: '203.0.113.0/24', userAgentFamily: 'Firefox on Linux', hour: 9 };
const facts = (overrides: Partial<RiskFacts> = {}): RiskFacts => ({
  ...HOME, past: Array.from({ length: 6 }, () => ({ ...HOME })), accountFailures: 0, ipFailures: 0, ...overrides,
});
const fired = (facts_: RiskFacts) => assessRisk(facts_, SETTINGS).signals.filter((s) => s.fired).map((s) => s.name);

describe('risk engine', () => {
  it('allows a sign-in that looks like the usual ones, with every signal explained', () => {
    const result = assessRisk(facts(), SETTINGS);
    expect(result).toMatchObject({ score: 0, decision: 'allow' });
    expect(result.signals.map((s) => s.name)).toEqual(['new_device', 'new_network', 'account_failures', 'ip_failures', 'unusual_hour', 'new_user_agent']);
    expect(result.signals.every((s) => s.reason.length > 10 && s.weight > 0)).toBe(true);
  });

  it('does not treat a first sign-in as an anomaly', () => {
    expect(assessRisk(facts({ past: [], deviceId: undefined }), SETTINGS)).toMatchObject({ score: 0, decision: 'allow' });
  });

  it('asks for a second factor for a new device after failures, and refuses past the deny score', () => {
    expect(fired(facts({ deviceId: 'device-2', accountFailures: 3 }))).toEqual(['new_device', 'account_failures']);
    expect(assessRisk(facts({ deviceId: 'device-2', accountFailures: 3 }), SETTINGS)).toMatchObject({ score: 60, decision: 'mfa' });
    const everything = facts({ deviceId: 'x', network: '198.51.100.0/24', userAgentFamily: 'Chrome on Windows', hour: 21, accountFailures: 5, ipFailures: 20 });
    expect(assessRisk(everything, SETTINGS)).toMatchObject({ score: 135, decision: 'deny' });
  });

  it('takes configured weights, and counts hours around midnight as close', () => {
    expect(assessRisk(facts({ userAgentFamily: 'Chrome on Windows' }), { ...SETTINGS, weights: { new_user_agent: 55 } }).decision).toBe('mfa');
    const nightOwl = facts({ hour: 1, past: Array.from({ length: 6 }, () => ({ ...HOME, hour: 23 })) });
    expect(fired(nightOwl)).toEqual([]);
    expect(fired(facts({ hour: 15 }))).toEqual(['unusual_hour']);
  });

  it('groups addresses into networks and user agents into browser families', () => {
    expect(networkOf('203.0.113.77')).toBe('203.0.113.0/24');
    expect(networkOf('::ffff:203.0.113.77')).toBe('203.0.113.0/24');
    expect(networkOf('2001:db8:abcd:12::1')).toBe('2001:db8:abcd::/48');
    expect(userAgentFamily('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe('Firefox on Linux');
    expect(userAgentFamily('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0')).toBe('Edge on Windows');
    expect(userAgentFamily(undefined)).toBe('an unknown client');
  });
});
