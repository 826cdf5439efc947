import { expect } from 'vitest';
import { parsePolicyText, type Policy, PolicyError } from '../../src/config/policy.js';

/** The PolicyError the policy text is refused with (the test fails if it is accepted, or refused with anything else). */
export function refusal(text: string): PolicyError {
  try {
    parsePolicyText(text, 'oncall.policy.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return error as PolicyError;
  }
  throw new Error('expected the policy to be refused');
}

/** The smallest policy: one rotation, "web", with Alice; the key under test goes in the lines after it. */
export const ROTATION = 'rotations: { web: { members: [U0ALICE] } }';

/** The one-rotation policy with these lines, parsed. */
export const parse = (...lines: string[]): Policy => parsePolicyText([ROTATION, ...lines].join('\n'), 'oncall.policy.yml');

/** What is wrong with the one-rotation policy with these lines: the refusal's problems. */
export const problems = (...lines: string[]): string[] => refusal([ROTATION, ...lines].join('\n')).problems;
