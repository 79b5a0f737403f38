/** EventBridge pattern semantics used by the simulator's event routing. */
import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../../sim/events/pattern.js';

const event = {
  source: 'aws.ecs',
  'detail-type': 'ECS Task State Change',
  resources: ['arn:a', 'arn:b'],
  detail: {
    lastStatus: 'STOPPED',
    group: 'service:web',
    version: 6,
    stopCode: 'SpotInterruption',
    nested: { x: 'y' },
  },
};

describe('matchesPattern', () => {
  it.each([
    [{ source: ['aws.ecs'] }, true],
    [{ source: ['aws.ec2', 'aws.ecs'] }, true],
    [{ source: ['aws.ec2'] }, false],
    [{ resources: ['arn:b'] }, true],
    [{ detail: { group: [{ prefix: 'service:' }] } }, true],
    [{ detail: { group: [{ suffix: ':api' }] } }, false],
    [{ detail: { lastStatus: [{ 'anything-but': ['RUNNING', 'PENDING'] }] } }, true],
    [{ detail: { lastStatus: [{ 'anything-but': { prefix: 'STOP' } }] } }, false],
    [{ detail: { version: [{ numeric: ['>', 5, '<=', 6] }] } }, true],
    [{ detail: { version: [{ numeric: ['>', 6] }] } }, false],
    [{ detail: { stoppedReason: [{ exists: false }] } }, true],
    [{ detail: { stopCode: [{ exists: true }] } }, true],
    [{ detail: { nested: { x: ['y'] } } }, true],
    [{ detail: { lastStatus: [{ 'equals-ignore-case': 'stopped' }] } }, true],
    [{ detail: { group: [{ wildcard: 'service:*' }] } }, true],
    [{ $or: [{ source: ['x'] }, { detail: { lastStatus: ['STOPPED'] } }] }, true],
    [{ detail: { missing: { deeper: ['x'] } } }, false],
  ])('%j → %s', (pattern, expected) => {
    expect(matchesPattern(pattern as Record<string, unknown>, event)).toBe(expected);
  });

  it('rejects a pattern whose leaf is not an array', () => {
    expect(() => matchesPattern({ source: 'aws.ecs' }, event)).toThrow(/leaf values must be arrays/);
  });
});
