/**
 * Writes src/db/pg-schema.generated.ts, the PostgreSQL twin of src/db/schema.ts, from the SQLite tables themselves
 * (drizzle's getTableConfig), so the two schemas cannot drift and no table is written twice by hand.
 *
 *   npm run db:pg-schema                                      rewrite the file after changing schema.ts
 *   npm run db:generate:pg -- --name <short_name>             then the PostgreSQL migration (migrations-pg/)
 *
 * Mapping: integer -> bigint (mode number: epoch ms and ids fit in 2^53); an integer primary key (SQLite's rowid,
 * autoincrement) -> an identity column; text -> text; text in json mode -> jsonb. Each column keeps schema.ts's
 * TypeScript type (its `$type`), read from the SQLite table's type, so stores see the same row shapes. Defaults,
 * primary keys (single and composite), unique columns, foreign keys (with on delete), indexes and unique indexes,
 * and partial indexes' `where` are carried over. Anything else (a check, a SQL default, a $defaultFn, an index on an
 * expression) stops the script with what it could not carry over, rather than dropping it.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Column, getTableColumns, is, SQL, StringChunk } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as sqliteSchema from '../src/db/schema.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PG_SCHEMA_PATH = join(ROOT, 'src/db/pg-schema.generated.ts');
const PG_SCHEMA_RELATIVE = 'src/db/pg-schema.generated.ts';

class CannotCarryOver extends Error {
  constructor(table: string, what: string) {
    super(`scripts/pg-schema.ts cannot carry ${what} of table "${table}" over to PostgreSQL: teach it how, or change schema.ts`);
  }
}

/** The export name (the TypeScript key) of each SQLite table, by table object. */
function tableNames(schema: Record<string, unknown>): Map<SQLiteTable, string> {
  const names = new Map<SQLiteTable, string>();
  // By name: a module namespace lists its exports sorted under Node, in source order under vitest.
  for (const [key, value] of Object.entries(schema).sort(([a], [b]) => (a < b ? -1 : 1))) if (is(value, SQLiteTable)) names.set(value, key);
  return names;
}

/** A column's TypeScript key in its table, by database name. */
function columnKeys(table: SQLiteTable): Map<string, string> {
  return new Map(Object.entries(getTableColumns(table)).map(([key, column]) => [column.name, key]));
}

function columnSource(tableVar: string, key: string, column: Column, isIdentity: boolean, table: string): string {
  const name = JSON.stringify(column.name);
  let source: string;
  switch (column.columnType) {
    case 'SQLiteInteger':
      source = `bigint(${name}, { mode: 'number' })`;
      break;
    case 'SQLiteText':
      source = `text(${name})`;
      break;
    case 'SQLiteTextJson':
      source = `jsonb(${name})`;
      break;
    default:
      throw new CannotCarryOver(table, `column "${column.name}" of type ${column.columnType}`);
  }
  source += `.$type<Of<typeof sqlite.${tableVar}, '${key}'>>()`;
  if (column.notNull && !column.primary) source += '.notNull()';
  if (column.primary) source += '.primaryKey()';
  if (isIdentity) source += '.generatedByDefaultAsIdentity()';
  if (column.defaultFn || column.onUpdateFn) throw new CannotCarryOver(table, `the $defaultFn/$onUpdateFn of column "${column.name}"`);
  if (column.default !== undefined) {
    if (is(column.default, SQL)) throw new CannotCarryOver(table, `the SQL default of column "${column.name}"`);
    source += `.default(${JSON.stringify(column.default)})`;
  }
  if (column.isUnique) source += `.unique(${JSON.stringify(column.uniqueName)})`;
  return source;
}

function whereSource(where: SQL, keys: Map<string, string>, table: string): string {
  let text = '';
  for (const chunk of where.queryChunks) {
    if (is(chunk, StringChunk)) text += chunk.value.join('').replace(/[`\\]/g, '\\$&').replace(/\$\{/g, '\\${');
    else if (is(chunk, Column) && keys.has(chunk.name)) text += `\${t.${keys.get(chunk.name)}}`;
    else throw new CannotCarryOver(table, 'a partial index condition that is not columns and SQL text');
  }
  return `sql\`${text}\``;
}

/** The generated file's text before formatting. */
export function pgSchemaSource(schema: Record<string, unknown> = sqliteSchema): string {
  const names = tableNames(schema);
  const used = new Set(['pgTable']);
  const blocks: string[] = [];
  for (const [table, tableVar] of names) {
    const config = getTableConfig(table);
    if (config.checks.length > 0) throw new CannotCarryOver(config.name, 'a check constraint');
    if (config.uniqueConstraints.length > 0) throw new CannotCarryOver(config.name, 'a unique constraint (use uniqueIndex)');
    const keys = columnKeys(table);
    const key = (column: Column) => keys.get(column.name)!;
    const references = new Map<string, string>();
    for (const fk of config.foreignKeys) {
      const ref = fk.reference();
      if (ref.columns.length !== 1) throw new CannotCarryOver(config.name, 'a foreign key of several columns');
      const target = names.get(ref.foreignTable as SQLiteTable);
      if (!target) throw new CannotCarryOver(config.name, 'a foreign key to a table schema.ts does not export');
      const targetColumn = columnKeys(ref.foreignTable as SQLiteTable).get(ref.foreignColumns[0]!.name)!;
      const onDelete = fk.onDelete && fk.onDelete !== 'no action' ? `, { onDelete: '${fk.onDelete}' }` : '';
      references.set(ref.columns[0]!.name, `.references(() => ${target}.${targetColumn}${onDelete})`);
    }
    const columns = config.columns.map((column) => {
      const isIdentity = column.primary && column.columnType === 'SQLiteInteger';
      if (column.columnType === 'SQLiteInteger') used.add('bigint');
      if (column.columnType === 'SQLiteText') used.add('text');
      if (column.columnType === 'SQLiteTextJson') used.add('jsonb');
      return `    ${key(column)}: ${columnSource(tableVar, key(column), column, isIdentity, config.name)}${references.get(column.name) ?? ''},`;
    });
    const extras: string[] = [];
    for (const pk of config.primaryKeys) {
      used.add('primaryKey');
      extras.push(`primaryKey({ columns: [${pk.columns.map((column) => `t.${key(column)}`).join(', ')}] })`);
    }
    for (const index of config.indexes) {
      const { name, columns: on, unique, where } = index.config;
      const builder = unique ? 'uniqueIndex' : 'index';
      used.add(builder);
      const onColumns = on.map((column) => {
        if (!is(column, Column)) throw new CannotCarryOver(config.name, `index "${name}" on an expression`);
        return `t.${key(column)}`;
      });
      let source = `${builder}(${JSON.stringify(name)}).on(${onColumns.join(', ')})`;
      if (where) {
        used.add('sql');
        source += `.where(${whereSource(where, keys, config.name)})`;
      }
      extras.push(source);
    }
    const extra = extras.length > 0 ? `, (t) => [${extras.join(', ')}]` : '';
    blocks.push(`export const ${tableVar} = pgTable(${JSON.stringify(config.name)}, {\n${columns.join('\n')}\n  }${extra});`);
  }
  const core = ['bigint', 'index', 'jsonb', 'pgTable', 'primaryKey', 'text', 'uniqueIndex'].filter((name) => used.has(name));
  return [
    '// Generated by scripts/pg-schema.ts from src/db/schema.ts: do not edit. After changing schema.ts run',
    '// `npm run db:pg-schema`, then `npm run db:generate:pg -- --name <short_name>` for migrations-pg/.',
    ...(used.has('sql') ? ["import { sql } from 'drizzle-orm';"] : []),
    `import { ${core.join(', ')} } from 'drizzle-orm/pg-core';`,
    "import type * as sqlite from './schema.js';",
    '',
    "/** A column's TypeScript type as schema.ts declares it, without the null a nullable column adds. */",
    "type Of<T extends { $inferSelect: object }, K extends keyof T['$inferSelect']> = NonNullable<T['$inferSelect'][K]>;",
    '',
    blocks.join('\n\n'),
    '',
  ].join('\n');
}

/** The generated file's text as committed: pgSchemaSource() formatted by Biome, as `biome ci` wants it. */
export function pgSchemaText(schema: Record<string, unknown> = sqliteSchema): string {
  const biome = join(ROOT, 'node_modules', '.bin', 'biome');
  const result = spawnSync(biome, ['format', `--stdin-file-path=${PG_SCHEMA_RELATIVE}`], {
    cwd: ROOT,
    input: pgSchemaSource(schema),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`biome could not format the generated PostgreSQL schema: ${result.stderr || result.stdout}`);
  return result.stdout;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(PG_SCHEMA_PATH, pgSchemaText());
  console.log(`wrote ${PG_SCHEMA_RELATIVE}; now run: npm run db:generate:pg -- --name <short_name>`);
}
