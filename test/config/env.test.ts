import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '../../config/env';

describe('configuration', () => {
  it('defaults every setting for a plain `npm start`', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ PORT: 3000, TEMPORAL_NAMESPACE: 'default', TERMS_VERSION: '2026-1' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATA_DIR).toMatch(/^\//);
  });

  it('CAL-3, LOY-4: the award day, reminder cadence and lapse period are configuration, checked at start', () => {
    expect(loadEnv({})).toMatchObject({ LOYALTY_AWARD_DAY: 15, LOYALTY_REMINDER_DAYS: 14, LOYALTY_LAPSE_DAYS: 90 });
    const env = loadEnv({ LOYALTY_AWARD_DAY: '20', LOYALTY_REMINDER_DAYS: '7', LOYALTY_LAPSE_DAYS: '60' });
    expect(env).toMatchObject({ LOYALTY_AWARD_DAY: 20, LOYALTY_REMINDER_DAYS: 7, LOYALTY_LAPSE_DAYS: 60 });
    expect(() => loadEnv({ LOYALTY_AWARD_DAY: '32', LOYALTY_REMINDER_DAYS: '0', LOYALTY_LAPSE_DAYS: 'x' })).toThrow(
      /LOYALTY_AWARD_DAY[\s\S]*LOYALTY_REMINDER_DAYS[\s\S]*LOYALTY_LAPSE_DAYS/,
    );
  });

  it('CLC-4, CERT-5: OPS_EMAIL, where the notices to ops go, has a default of its own and must be an address', () => {
    expect(loadEnv({}).OPS_EMAIL).toBe('Cisco Programs Ops <ops@programs.example>');
    expect(loadEnv({ OPS_EMAIL: 'credits-ops@example.com' }).OPS_EMAIL).toBe('credits-ops@example.com');
    expect(() => loadEnv({ OPS_EMAIL: 'nobody' })).toThrow(/OPS_EMAIL: must be an email address/);
  });

  it('stops on bad values, naming each variable and never echoing a token', () => {
    const secret = 'sekret-token-value';
    let error: unknown;
    try {
      loadEnv({ PORT: 'abc', DATABASE_URL: 'mysql://x', SMTP_URL: 'nope', API_TOKENS: JSON.stringify({ [secret]: { role: 'king' } }) });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['PORT', 'DATABASE_URL', 'SMTP_URL', 'API_TOKENS']) expect(message).toContain(`${name}`);
    expect(message).not.toContain(secret);
  });

  it('parses API_TOKENS into holders with their roles and ownership ids', () => {
    const env = loadEnv({
      API_TOKENS: '{"t-cap-123456":{"role":"team-captain","ccoId":"dlee"},"t-p1-1234567":{"role":"partner","partnerId":"P-1"}}',
    });
    expect(env.API_TOKENS).toEqual({
      't-cap-123456': { role: 'team-captain', ccoId: 'dlee' },
      't-p1-1234567': { role: 'partner', partnerId: 'P-1' },
    });
    expect(() => loadEnv({ API_TOKENS: '{not json' })).toThrow(/API_TOKENS: is not valid JSON/);
  });

  it('says why a token was refused, without printing it', () => {
    const short = 'abc123';
    let message = '';
    try {
      loadEnv({ API_TOKENS: JSON.stringify({ [short]: { role: 'ops' } }) });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('API_TOKENS.<token>: a token must be at least 8 characters');
    expect(message).not.toContain('Invalid key in record');
    expect(message).not.toContain(short);
  });

  it('CLC-1: CLC_COUNTRIES is the Learning Credits list of cleared countries, apart from PROGRAM_COUNTRIES', () => {
    expect(loadEnv({}).CLC_COUNTRIES).toBeUndefined();
    const env = loadEnv({ CLC_COUNTRIES: 'de, fr', PROGRAM_COUNTRIES: 'US' });
    expect(env.CLC_COUNTRIES).toEqual(['DE', 'FR']);
    expect(env.PROGRAM_COUNTRIES).toEqual(['US']);
    expect(() => loadEnv({ CLC_COUNTRIES: 'Germany' })).toThrow(/CLC_COUNTRIES\.0: each country must be a two-letter code/);
  });

  it('LCI-4: INCENTIVE_PHASE_MONTHS is the months a phase has, 12 unless set', () => {
    expect(loadEnv({}).INCENTIVE_PHASE_MONTHS).toBe(12);
    expect(loadEnv({ INCENTIVE_PHASE_MONTHS: '6' }).INCENTIVE_PHASE_MONTHS).toBe(6);
    expect(() => loadEnv({ INCENTIVE_PHASE_MONTHS: '0' })).toThrow(/INCENTIVE_PHASE_MONTHS/);
    expect(() => loadEnv({ INCENTIVE_PHASE_MONTHS: 'six' })).toThrow(/INCENTIVE_PHASE_MONTHS/);
  });
});
