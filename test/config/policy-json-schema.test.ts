/**
 * policy.schema.json: generated from the zod schema, kept in the repo for editors, never out of date. The shared
 * example must be valid against it, the schema as strict as zod about unknown keys, and durations described as
 * the text people write.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { z } from 'zod';
import { parseDuration, parsePolicyDuration } from '../../src/config/duration.js';
import { policyFileSchema } from '../../src/config/policy-schema.js';
import { policyJsonSchema, policyJsonSchemaText } from '../../src/config/policy-json-schema.js';

const ROOT = new URL('../../', import.meta.url);
const SCHEMA_PATH = fileURLToPath(new URL('policy.schema.json', ROOT));
const EXAMPLE = parse(readFileSync(fileURLToPath(new URL('../shared/policy.example.yml', ROOT)), 'utf8')) as Record<string, unknown>;

type Json = Record<string, unknown>;
const schema = policyJsonSchema();

describe('policy.schema.json', () => {
  it('is what `npm run policy -- schema` writes today', () => {
    const committed = readFileSync(SCHEMA_PATH, 'utf8');
    expect(
      committed === policyJsonSchemaText(),
      'policy.schema.json is out of date with src/config/policy-schema.ts: run `npm run policy -- schema` and commit the file',
    ).toBe(true);
  });

  it('is a draft-07 schema an editor can use, with a title and the command that made it', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.title).toBe('On-call bot policy file');
    expect(schema.$comment).toContain('npm run policy -- schema');
    expect(schema.type).toBe('object');
  });

  it('has every top-level key of the shared example as a property', () => {
    const properties = Object.keys(schema.properties as Json);
    for (const key of Object.keys(EXAMPLE)) expect(properties, key).toContain(key);
  });

  it('says additionalProperties: false wherever the zod schema is strict, and only there', () => {
    let strict = 0;
    const walk = (zod: z.core.$ZodType, json: Json, where: string): void => {
      const def = zod._zod.def as unknown as {
        type: string;
        innerType?: z.core.$ZodType;
        shape?: Record<string, z.core.$ZodType>;
        catchall?: z.core.$ZodType;
        valueType?: z.core.$ZodType;
        element?: z.core.$ZodType;
        options?: z.core.$ZodType[];
      };
      switch (def.type) {
        case 'optional':
          walk(def.innerType!, json, where);
          return;
        case 'object': {
          const isStrict = (def.catchall?._zod.def as { type?: string } | undefined)?.type === 'never';
          expect(json.additionalProperties === false, `${where || '(top level)'}: additionalProperties`).toBe(isStrict);
          if (isStrict) strict += 1;
          for (const [key, inner] of Object.entries(def.shape!))
            walk(inner, (json.properties as Record<string, Json>)[key]!, `${where}.${key}`);
          return;
        }
        case 'record':
          walk(def.valueType!, json.additionalProperties as Json, `${where}.*`);
          return;
        case 'array':
          walk(def.element!, json.items as Json, `${where}[]`);
          return;
        case 'union':
          for (const [i, option] of def.options!.entries()) walk(option, (json.anyOf as Json[])[i]!, `${where}|${i}`);
          return;
        default:
          return;
      }
    };
    walk(policyFileSchema, schema, '');
    // The file, business hours, rotations, shifts, chains, steps, notify, reminders, postmortem, ... are all strict.
    expect(strict).toBeGreaterThanOrEqual(15);
  });

  it('describes durations as the text people write, with a pattern that reads what the bot reads', () => {
    const rotation = ((schema.properties as Json).rotations as Json).additionalProperties as Json;
    const every = ((rotation.properties as Json).shift as Json).properties as Json;
    const wall = ((((schema.properties as Json).ack_sla as Json).additionalProperties as Json).anyOf as Json[])[1]!;
    const business = (((schema.properties as Json).postmortem as Json).properties as Json).due as Json;
    for (const node of [every.every as Json, wall, business.additionalProperties as Json]) {
      expect(node.type).toBe('string');
      expect(typeof node.description).toBe('string');
      for (const example of node.examples as string[]) expect(new RegExp(node.pattern as string).test(example), example).toBe(true);
    }
    const reads = (read: (text: string) => unknown, text: string) => {
      try {
        read(text);
        return true;
      } catch {
        return false;
      }
    };
    const wallPattern = new RegExp(wall.pattern as string);
    for (const text of ['15m', '1h30m', '1h 30m', '15M', ' 2d ', '1w', '30s', 'fifteen', '15', 'm15', '15 minutes', '1.5h', '']) {
      expect(wallPattern.test(text), `"${text}"`).toBe(reads(parseDuration, text));
    }
    const businessPattern = new RegExp((business.additionalProperties as Json).pattern as string);
    for (const text of [
      '24h',
      '2 business days',
      '1 Business Day',
      '4 business hours',
      '2 business weeks',
      '2 businessdays',
      'two business days',
    ]) {
      expect(businessPattern.test(text), `"${text}"`).toBe(reads(parsePolicyDuration, text));
    }
  });

  it('accepts the shared example whole, and refuses what the bot refuses: an unknown key, a duration that is none', () => {
    expect(validate(schema, EXAMPLE)).toEqual([]);
    const typo = structuredClone(EXAMPLE) as { escalation: { default: { P1: { steps: Json[] } } } };
    typo.escalation.default.P1.steps[1] = { afer: '45m', page: 'secondary' };
    expect(validate(schema, typo)).toEqual(['escalation.default.P1.steps.1: unknown key "afer"']);
    expect(validate(schema, { ...EXAMPLE, ack_sla: { P1: 'fifteen' } })).toEqual(['ack_sla.P1: matches none of anyOf']);
    expect(validate(schema, { ...EXAMPLE, timezon: 'UTC' })).toEqual(['(top level): unknown key "timezon"']);
  });

  it('is named in the README with the first line teams put in their file', () => {
    const readme = readFileSync(fileURLToPath(new URL('README.md', ROOT)), 'utf8');
    expect(readme).toContain('# yaml-language-server: $schema=');
    expect(readme).toMatch(/\n# yaml-language-server: \$schema=.*\/policy\.schema\.json\n/);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The part of draft-07 the generated schema uses, so the example is checked without a validator dependency.
// A keyword this does not know fails the test that uses it, so nothing is skipped without a word.

const KNOWN = new Set([
  '$schema',
  '$comment',
  'title',
  'description',
  'examples',
  'type',
  'properties',
  'additionalProperties',
  'required',
  'propertyNames',
  'items',
  'anyOf',
  'const',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'format',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function validate(node: Json, value: unknown, where = '(top level)'): string[] {
  for (const key of Object.keys(node)) if (!KNOWN.has(key)) return [`${where}: the test's validator does not know "${key}"`];
  const problems: string[] = [];
  const at = (key: string | number) => (where === '(top level)' ? String(key) : `${where}.${key}`);
  const type = node.type as string | undefined;
  const actual = typeOf(value);
  if (type && !(actual === type || (type === 'number' && actual === 'integer'))) return [`${where}: expected ${type}, got ${actual}`];
  if (node.anyOf) {
    const fits = (node.anyOf as Json[]).some((option) => validate(option, value, where).length === 0);
    if (!fits) problems.push(`${where}: matches none of anyOf`);
  }
  if ('const' in node && value !== node.const) problems.push(`${where}: expected ${JSON.stringify(node.const)}`);
  if (node.enum && !(node.enum as unknown[]).includes(value))
    problems.push(`${where}: expected one of ${(node.enum as unknown[]).join(', ')}`);
  if (typeof value === 'string') {
    if (node.pattern && !new RegExp(node.pattern as string).test(value))
      problems.push(`${where}: does not match ${node.pattern as string}`);
    if (node.minLength !== undefined && value.length < (node.minLength as number)) problems.push(`${where}: too short`);
    if (node.maxLength !== undefined && value.length > (node.maxLength as number)) problems.push(`${where}: too long`);
    if (node.format === 'uri' && !URL.canParse(value)) problems.push(`${where}: not a URI`);
  }
  if (typeof value === 'number') {
    if (node.minimum !== undefined && value < (node.minimum as number)) problems.push(`${where}: below ${node.minimum as number}`);
    if (node.maximum !== undefined && value > (node.maximum as number)) problems.push(`${where}: above ${node.maximum as number}`);
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < (node.minItems as number)) problems.push(`${where}: too few items`);
    if (node.items) for (const [i, item] of value.entries()) problems.push(...validate(node.items as Json, item, at(i)));
  }
  if (actual === 'object') {
    const object = value as Json;
    const properties = (node.properties ?? {}) as Record<string, Json>;
    for (const key of (node.required ?? []) as string[]) if (!(key in object)) problems.push(`${at(key)}: required`);
    for (const [key, inner] of Object.entries(object)) {
      if (node.propertyNames) problems.push(...validate(node.propertyNames as Json, key, at(key)));
      if (properties[key]) problems.push(...validate(properties[key], inner, at(key)));
      else if (node.additionalProperties === false) problems.push(`${where}: unknown key "${key}"`);
      else if (typeof node.additionalProperties === 'object') problems.push(...validate(node.additionalProperties as Json, inner, at(key)));
    }
  }
  return problems;
}
