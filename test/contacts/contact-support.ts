import type { Randomness } from '../../src/contacts/contact-rules.js';

/** Randomness that hands out the given bytes (cycled) and ints, in order. */
export function scriptedRandomness(bytes: number[], ints: number[] = [0]): Randomness {
  let b = 0;
  let i = 0;
  return {
    bytes: (count) => Uint8Array.from({ length: count }, () => bytes[b++ % bytes.length]!),
    int: (max) => ints[i++ % ints.length]! % max,
  };
}
