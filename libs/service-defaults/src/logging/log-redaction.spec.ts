import { Logger as NestLogger } from '@nestjs/common';
import { hash } from 'argon2';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { pgTable, text } from 'drizzle-orm/pg-core';
import { Logger, PinoLogger } from 'nestjs-pino';
import { Pool } from 'pg';
import pino from 'pino';
import { loggerOptions } from './logging.module';
import { redactError, redactText } from './log-redaction';

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const accounts = pgTable('log_redaction_accounts', {
  email: text('email').notNull(),
  passwordHash: text('password_hash'),
});

let pool: Pool;
let passwordHash: string;
/** A real failed INSERT: Drizzle's error names the hash in `params` and its message, PostgreSQL's `detail` in its row. */
let failedInsert: Error;

beforeAll(async () => {
  // One connection, so the temporary table is there for every statement.
  pool = new Pool({ connectionString: TEST_DATABASE_URL, max: 1 });
  const db = drizzle({ client: pool });
  await db.execute(
    sql`create temporary table log_redaction_accounts (email text not null, password_hash text check (length(password_hash) < 10))`,
  );
  passwordHash = await hash('correct horse');
  failedInsert = await db
    .insert(accounts)
    .values({ email: 'ada@example.com', passwordHash })
    .then(() => {
      throw new Error('the insert was meant to fail');
    })
    .catch((error: Error) => error);
});
afterAll(() => pool?.end());

function capture() {
  const lines: string[] = [];
  const logger = pino(loggerOptions({ service: 'test', level: 'info' }), { write: (line: string) => lines.push(line) });
  return { logger, output: () => lines.join('') };
}

describe('log redaction', () => {
  it('has a real database error to work on, carrying the hash', () => {
    expect(failedInsert.message).toContain(passwordHash);
    expect((failedInsert.cause as { detail: string }).detail).toContain('$argon2id$');
  });

  it.each([
    ['as { err } with a message', (logger: pino.Logger) => logger.error({ err: failedInsert }, 'Unhandled error')],
    ['as the only argument (pino takes its message as msg)', (logger: pino.Logger) => logger.error(failedInsert)],
    [
      "as another field's string ({ error: error.message })",
      (logger: pino.Logger) => logger.warn({ error: failedInsert.message }, 'Could not undo'),
    ],
    ['inside the message text', (logger: pino.Logger) => logger.warn(`Could not undo: ${failedInsert.message}`)],
  ])('keeps the hash out of the line when logged %s', (_, log) => {
    const { logger, output } = capture();
    log(logger);
    expect(output()).toContain('log_redaction_accounts');
    // Any part of it: PostgreSQL's detail quotes a truncated copy.
    expect(output()).not.toContain('$argon2id$');
    expect(output()).not.toContain('ada@example.com');
  });

  it('keeps what explains the failure: type, SQL with placeholders, constraint, code, stack frames, cause', () => {
    const { logger, output } = capture();
    logger.error({ err: failedInsert }, 'Unhandled error');
    const { err } = JSON.parse(output());
    expect(err.type).toBe('DrizzleQueryError');
    expect(err.message).toMatch(
      /^Failed query: insert into "log_redaction_accounts" .*\(\$1, \$2\)\nparams: \[redacted\]$/,
    );
    expect(err.stack).toMatch(/\n\s+at /);
    expect(err.cause).toEqual(
      expect.objectContaining({ code: '23514', constraint: 'log_redaction_accounts_password_hash_check' }),
    );
    expect(err.cause).not.toHaveProperty('detail');
  });

  it('redacts what Nest-style loggers write through nestjs-pino (the RPC and HTTP error filters log so)', () => {
    const { logger, output } = capture();
    const nest = new Logger(new PinoLogger({ pinoHttp: { logger } }), {});
    NestLogger.overrideLogger(nest);
    try {
      new NestLogger('RpcErrorFilter').error({ err: failedInsert }, 'Unhandled error in message handler');
      new NestLogger('ExceptionHandler').error(failedInsert);
    } finally {
      NestLogger.overrideLogger(false);
    }
    expect(output().split('\n').filter(Boolean)).toHaveLength(2);
    expect(output()).not.toContain('$argon2id$');
  });

  it('drops the params and query options PGlite puts on its errors, down the cause chain', () => {
    const pgliteError = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      code: '23505',
      query: 'insert into users (email, password_hash) values ($1, $2)',
      params: ['ada@example.com', passwordHash],
      queryOptions: { paramTypes: [] },
    });
    const wrapped = new Error('Failed', { cause: pgliteError });
    const cause = redactError(wrapped).cause as Record<string, unknown>;
    expect(cause).toEqual(expect.objectContaining({ code: '23505', query: pgliteError.query }));
    expect(cause).not.toHaveProperty('params');
    expect(cause).not.toHaveProperty('queryOptions');
    expect(pgliteError.params).toHaveLength(2); // the original is left alone
  });

  it('leaves text without params as it is', () => {
    expect(redactText('Redis unavailable: connect ECONNREFUSED')).toBe('Redis unavailable: connect ECONNREFUSED');
  });
});
