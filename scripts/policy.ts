/**
 * `npm run policy -- explain [file] | check [file] | schema`: the policy as the bot runs it, each value with where
 * it came from; whether a file can be used; the JSON Schema for editors. The work is in src/config/policy-cli.ts;
 * this only wires it to the process.
 */
import { fileURLToPath } from 'node:url';
import { policyCli } from '../src/config/policy-cli.js';

const schemaPath = fileURLToPath(new URL('../policy.schema.json', import.meta.url));
process.exitCode = policyCli({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, schemaPath });
