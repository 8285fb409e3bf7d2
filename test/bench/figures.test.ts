import { describe, expect, it } from 'vitest';
import { figures } from '../helpers/npmScript';

// The smoke runs read each benchmark's figures line; a run that printed none must fail, not pass quietly.
describe('reading a benchmark figures line', () => {
  const out = [
    'Server:  localhost:1',
    'redemptions=5 concurrency=2 eager_activities=true',
    'emails_received=14 (two per API redemption: 14 expected)',
  ];

  it('reads each key=value of the line that starts with the prefix, numbers as numbers', () => {
    expect(figures(out.join('\n'), 'redemptions=')).toEqual({ redemptions: 5, concurrency: 2, eager_activities: 'true' });
    expect(figures(out.join('\n'), 'emails_received=')).toEqual({ emails_received: 14 });
  });

  it('throws, quoting the output, when the figures line is missing', () => {
    expect(() => figures(out.join('\n'), 'api_redemptions_per_s=')).toThrow('no figures line starting with "api_redemptions_per_s="');
  });
});
